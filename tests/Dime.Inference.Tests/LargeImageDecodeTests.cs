using System.Diagnostics;
using Dime.Engine.Imaging;
using Dime.Inference.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Dime.Inference.Tests;

/// <summary>
/// Decoding a 40-megapixel PNG observes cancellation (a cancel stops the decode itself, not just the wait for it), and
/// the budget's box downscale, done straight from the decoder's rows, equals the downscale of the decoded copy.
/// </summary>
[Collection(TimedCollection.Name)]
public sealed class LargeImageDecodeTests(ITestOutputHelper output)
{
    private readonly LargePng _png = new();

    [Fact]
    public async Task A_cancel_stops_the_decode_of_a_40_megapixel_png()
    {
        var data = _png.Bytes;
        var whole = Stopwatch.StartNew();
        ImageLoader.Decode(data, "large.png", maxPixels: ImageBudget.MaxExplainedPixels);
        whole.Stop();

        using var cancel = new CancellationTokenSource();
        var decoding = Task.Run(() => ImageLoader.Decode(data, "large.png", maxPixels: ImageBudget.MaxExplainedPixels, cancellationToken: cancel.Token), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(150, whole.ElapsedMilliseconds / 4)));
        Assert.False(decoding.IsCompleted, $"the decode ended before the cancel (a whole decode took {whole.ElapsedMilliseconds} ms)");
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoding);
        clock.Stop();
        output.WriteLine($"40 MP PNG: whole decode and downscale {whole.ElapsedMilliseconds} ms; stopped {clock.ElapsedMilliseconds} ms after the cancel (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        Assert.True(clock.ElapsedMilliseconds < 1000, $"the decode took {clock.ElapsedMilliseconds} ms to stop");
    }

    [Fact]
    public void The_downscale_while_decoding_equals_the_downscale_of_the_decoded_image()
    {
        var data = _png.Bytes;

        var whileDecoding = ImageLoader.Decode(data, "large.png", maxPixels: ImageBudget.MaxExplainedPixels);
        var afterwards = ImageBudget.Fit(ImageLoader.Decode(data, "large.png"));

        Assert.Equal((1264, 790), (whileDecoding.Width, whileDecoding.Height));
        Assert.Equal(afterwards.Pixels, whileDecoding.Pixels);
    }

    [Fact]
    public void The_box_downscale_is_the_rounded_mean_of_the_pixels_each_output_pixel_covers()
    {
        // 4 x 2 into at most 2 pixels: 2 x 1, each the mean of a 2 x 2 block
        byte[] pixels =
        [
            0, 10, 255, /**/ 1, 10, 255, /**/ 100, 0, 0, /**/ 200, 0, 0,
            0, 11, 255, /**/ 2, 10, 254, /**/ 100, 0, 1, /**/ 201, 0, 0,
        ];

        var fitted = ImageBudget.Fit(new RgbImage(4, 2, pixels), maxPixels: 2);

        Assert.Equal((2, 1), (fitted.Width, fitted.Height));
        Assert.Equal(new byte[] { 1, 10, 255, 150, 0, 0 }, fitted.Pixels);
    }

    /// <summary>An 8000 x 5000 PNG, made once for all the tests.</summary>
    public sealed class LargePng
    {
        private static readonly Lazy<byte[]> Made = new(Make);

        public byte[] Bytes => Made.Value;

        private static byte[] Make()
        {
            using var image = new Image<Rgb24>(8000, 5000);
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < row.Length; x++)
                    {
                        row[x] = new Rgb24((byte)(x / 40), (byte)(y / 25), (byte)((x ^ y) & 0xFF));
                    }
                }
            });
            using var stream = new MemoryStream();
            image.SaveAsPng(stream, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
            return stream.ToArray();
        }
    }
}

/// <summary>Tests that measure latencies run alone, not beside the rest of the assembly's tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedCollection
{
    public const string Name = "timed (runs alone)";
}
