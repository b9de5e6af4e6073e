using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Dime.Engine.Errors;
using Dime.Engine.Imaging;
using Dime.Inference.Files;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace Dime.Inference.Imaging;

/// <summary>Limits that keep a crafted or huge image from taking the daemon down.</summary>
/// <param name="MaxPixels">Largest width x height accepted (checked from the header, before decoding).</param>
/// <param name="MaxFileBytes">Largest file accepted.</param>
public sealed record ImageLimits(long MaxPixels = 40_000_000, long MaxFileBytes = 256L << 20)
{
    public static ImageLimits Default { get; } = new();
}

/// <summary>
/// Decodes image files to 8-bit RGB through ImageSharp 2.1, with the checks its crafted-image advisories call for:
/// the header is identified first and the pixel count capped before anything is decoded; decoding runs under an
/// allocation limit and reads only the first frame. EXIF orientation is not applied (training pipelines such as
/// PIL's Image.open do not apply it either). Alpha is dropped, as PIL's convert("RGB") does.
/// </summary>
public static class ImageLoader
{
    private const string Formats = "PNG, JPEG, BMP, GIF, TIFF, WebP, TGA or PBM";
    private static readonly ConcurrentDictionary<ImageLimits, Configuration> Configurations = new();

    /// <summary>Reads (through <see cref="SafeFiles"/>: a regular file within the size limit) and decodes an image file.</summary>
    /// <exception cref="DimeException">ImageNotFound, ImageTooLarge, ImageUnsupported, ImageCorrupt, NotARegularFile or PathInvalid.</exception>
    public static RgbImage Load(string path, ImageLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits ??= ImageLimits.Default;
        var bytes = SafeFiles.ReadAllBytes(path, FileKind.Image with { MaxBytes = limits.MaxFileBytes }, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Decode(bytes, path, limits);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="subject"/> names it in errors.</summary>
    public static RgbImage Decode(byte[] data, string subject, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        limits ??= ImageLimits.Default;
        if (data.Length == 0)
        {
            throw new DimeException(ErrorKind.ImageCorrupt, $"The image {subject} is an empty file.", subject);
        }

        if (data.LongLength > limits.MaxFileBytes)
        {
            throw new DimeException(ErrorKind.ImageTooLarge, $"The image {subject} is {data.LongLength >> 20} MiB; the limit is {limits.MaxFileBytes >> 20} MiB.", subject);
        }

        var configuration = CreateConfiguration(limits);
        var format = Image.DetectFormat(configuration, data);
        if (format is null)
        {
            throw new DimeException(ErrorKind.ImageUnsupported, $"{subject} is not an image DIME can read; use {Formats}.", subject);
        }

        IImageInfo? info;
        try
        {
            info = Image.Identify(configuration, data, out _);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw Corrupt(subject, format, e);
        }

        if (info is null)
        {
            throw new DimeException(ErrorKind.ImageUnsupported, $"{subject} looks like {format.Name} but no decoder accepts it; use {Formats}.", subject);
        }

        var pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new DimeException(ErrorKind.ImageCorrupt, $"The {format.Name} image {subject} declares a size of {info.Width}x{info.Height}.", subject);
        }

        if (pixels > limits.MaxPixels)
        {
            throw new DimeException(
                ErrorKind.ImageTooLarge,
                $"The image {subject} is {info.Width}x{info.Height} ({pixels / 1e6:0.#} megapixels); the limit is {limits.MaxPixels / 1e6:0.#} megapixels.",
                subject);
        }

        if (ImageStructure.Problem(data) is { } problem)
        {
            throw new DimeException(ErrorKind.ImageCorrupt, $"The {format.Name} image {subject} is corrupt: {problem}.", subject);
        }

        if (format is JpegFormat && !HasJpegEnd(data))
        {
            // ImageSharp fills a truncated JPEG scan with grey instead of failing; a model must not see that.
            throw new DimeException(ErrorKind.ImageCorrupt, $"The JPEG image {subject} is truncated (no end-of-image marker).", subject);
        }

        try
        {
            using var image = Image.Load<Rgb24>(configuration, data);
            var bytes = new byte[checked(image.Width * image.Height * 3)];
            image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(bytes.AsSpan()));
            return new RgbImage(image.Width, image.Height, bytes);
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new DimeException(ErrorKind.ImageTooLarge, $"Decoding the image {subject} needs more memory than allowed: {e.Message}", subject, e);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw Corrupt(subject, format, e);
        }
    }

    private static DimeException Corrupt(string subject, IImageFormat format, Exception e) =>
        new(ErrorKind.ImageCorrupt, $"The {format.Name} image {subject} is corrupt or truncated: {e.Message}", subject, e);

    private static bool IsDecodeFailure(Exception e) =>
        e is ImageFormatException or UnknownImageFormatException or InvalidImageContentException or NotSupportedException
            or EndOfStreamException or IndexOutOfRangeException or ArgumentException or InvalidOperationException;

    /// <summary>An FF D9 marker in the tail: entropy-coded data never contains one (FF is stuffed), so a truncated scan lacks it.</summary>
    private static bool HasJpegEnd(byte[] data)
    {
        var tail = data.AsSpan(Math.Max(0, data.Length - 65536));
        for (var i = tail.Length - 2; i >= 0; i--)
        {
            if (tail[i] == 0xFF && tail[i + 1] == 0xD9)
            {
                return true;
            }
        }

        return false;
    }

    private static Configuration CreateConfiguration(ImageLimits limits) => Configurations.GetOrAdd(limits, NewConfiguration);

    private static Configuration NewConfiguration(ImageLimits limits)
    {
        var configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            // width x height x 4 bytes (the widest pixel a decoder uses internally) plus headroom
            AllocationLimitMegabytes = (int)Math.Clamp((limits.MaxPixels * 8 >> 20) + 64, 64, 16384),
        });
        // metadata (text, EXIF, ICC profiles) is never decoded: DIME does not use it, and compressed text can be a bomb
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { MaxFrames = 1, IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { IgnoreMetadata = true });
        return configuration;
    }
}
