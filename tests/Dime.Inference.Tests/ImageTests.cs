using System.Buffers.Binary;
using System.IO.Compression;
using Dime.Engine.Errors;
using Dime.Inference.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Dime.Inference.Tests;

/// <summary>Decoding through ImageSharp 2.1.13 with limits: every bad file is a typed error, never a crash or a huge allocation.</summary>
public sealed class ImageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dime-images-").FullName;

    [Fact]
    public void A_png_decodes_to_rgb()
    {
        var image = ImageLoader.Load(Path.Combine(TestPaths.Fixtures, "preprocess_reference.png"));

        Assert.Equal(128, image.Width);
        Assert.Equal(128, image.Height);
        Assert.Equal(128 * 128 * 3, image.Pixels.Length);
    }

    [Fact]
    public void Pixels_come_out_in_rgb_order()
    {
        using var source = new Image<Rgba32>(2, 1);
        source[0, 0] = new Rgba32(10, 20, 30, 255);
        source[1, 0] = new Rgba32(200, 100, 50, 0);
        var path = Save(source, "two.png");

        var image = ImageLoader.Load(path);

        Assert.Equal(new byte[] { 10, 20, 30, 200, 100, 50 }, image.Pixels);
    }

    [Fact]
    public void Missing_file_is_image_not_found()
    {
        var path = Path.Combine(_folder, "absent.png");

        var error = Assert.Throws<DimeException>(() => ImageLoader.Load(path));

        Assert.Equal(ErrorKind.ImageNotFound, error.Kind);
        Assert.Equal(path, error.Subject);
    }

    [Fact]
    public void Truncated_png_is_corrupt()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "preprocess_reference.png"));
        var path = Write("truncated.png", bytes[..(bytes.Length / 2)]);

        Assert.Equal(ErrorKind.ImageCorrupt, Assert.Throws<DimeException>(() => ImageLoader.Load(path)).Kind);
    }

    [Fact]
    public void Png_with_damaged_data_is_corrupt()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "preprocess_reference.png"));
        for (var i = 200; i < 400; i++)
        {
            bytes[i] ^= 0x5A;
        }

        var path = Write("damaged.png", bytes);

        Assert.Equal(ErrorKind.ImageCorrupt, Assert.Throws<DimeException>(() => ImageLoader.Load(path)).Kind);
    }

    [Fact]
    public void Jpeg_truncated_inside_its_scan_is_corrupt()
    {
        using var source = new Image<Rgb24>(256, 256);
        var random = new Random(1);
        for (var y = 0; y < 256; y++)
        {
            for (var x = 0; x < 256; x++)
            {
                source[x, y] = new Rgb24((byte)random.Next(256), (byte)(x ^ y), (byte)y);
            }
        }

        using var stream = new MemoryStream();
        source.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        var bytes = stream.ToArray();
        Assert.Equal(256, ImageLoader.Decode(bytes, "whole.jpg").Width);

        var error = Assert.Throws<DimeException>(() => ImageLoader.Decode(bytes[..(bytes.Length * 2 / 3)], "cut.jpg"));

        Assert.Equal(ErrorKind.ImageCorrupt, error.Kind);
        Assert.Equal("cut.jpg", error.Subject);
    }

    [Fact]
    public void Decompression_bomb_is_refused_from_its_header()
    {
        // a valid PNG header that claims 100000 x 100000 pixels, with a tiny body
        var path = Write("bomb.png", PngClaiming(100_000, 100_000));

        var error = Assert.Throws<DimeException>(() => ImageLoader.Load(path));

        Assert.Equal(ErrorKind.ImageTooLarge, error.Kind);
        Assert.Contains("100000x100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixel_cap_is_configurable()
    {
        var path = Path.Combine(TestPaths.Fixtures, "preprocess_reference.png");

        Assert.Equal(ErrorKind.ImageTooLarge, Assert.Throws<DimeException>(() => ImageLoader.Load(path, new ImageLimits(MaxPixels: 100 * 100))).Kind);
        Assert.Equal(ErrorKind.ImageTooLarge, Assert.Throws<DimeException>(() => ImageLoader.Load(path, new ImageLimits(MaxFileBytes: 1000))).Kind);
    }

    [Theory]
    [InlineData("notes.txt", "just some text, not an image at all")]
    [InlineData("drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>")]
    public void Unknown_format_is_unsupported(string name, string content)
    {
        var path = Write(name, System.Text.Encoding.UTF8.GetBytes(content));

        Assert.Equal(ErrorKind.ImageUnsupported, Assert.Throws<DimeException>(() => ImageLoader.Load(path)).Kind);
    }

    [Fact]
    public void Empty_file_is_corrupt()
    {
        var path = Write("empty.png", []);

        Assert.Equal(ErrorKind.ImageCorrupt, Assert.Throws<DimeException>(() => ImageLoader.Load(path)).Kind);
    }

    [Fact]
    public void Only_the_first_gif_frame_is_read()
    {
        using var source = new Image<Rgba32>(4, 3, new Rgba32(255, 0, 0));
        source.Frames.AddFrame(new Image<Rgba32>(4, 3, new Rgba32(0, 0, 255)).Frames.RootFrame);
        var path = Save(source, "anim.gif");

        var image = ImageLoader.Load(path);

        Assert.Equal(4, image.Width);
        Assert.True(image.Pixels[0] > 200 && image.Pixels[2] < 50, "the first frame is red");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Save(Image image, string name)
    {
        var path = Path.Combine(_folder, name);
        image.Save(path);
        return path;
    }

    private static byte[] PngClaiming(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        Chunk(stream, "IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[4096]);
        }

        Chunk(stream, "IDAT", compressed.ToArray());
        Chunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        stream.Write(number);
    }
}
