using System.Runtime.InteropServices;
using Dime.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace Dime.Inference.Imaging;

/// <summary>
/// How large an image DIME explains. Every perturbed copy of the image is rendered at full size before the model's
/// preprocessing shrinks it to the model's input, so a 40-megapixel photo would cost gigabytes per batch and minutes
/// of segmentation; images over <see cref="MaxExplainedPixels"/> are therefore downscaled (box filter: each output
/// pixel the rounded mean of the source pixels it covers, aspect kept) once, while decoding, and explained (and
/// predicted) at that size. Models take inputs far smaller than this.
/// </summary>
public static class ImageBudget
{
    public const long MaxExplainedPixels = 1_000_000;

    private delegate ReadOnlySpan<byte> SourceRow(int y);

    /// <summary>The image itself when within the budget, else a downscaled copy within it.</summary>
    public static RgbImage Fit(RgbImage image, long maxPixels = MaxExplainedPixels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if ((long)image.Width * image.Height <= maxPixels)
        {
            return image;
        }

        var stride = image.Width * 3;
        return BoxDownscale(image.Width, image.Height, y => image.Pixels.AsSpan(y * stride, stride), maxPixels, cancellationToken);
    }

    /// <summary>A decoded image within the budget, read row by row from the decoder's own buffers.</summary>
    internal static RgbImage Fit(Image<Rgb24> image, long maxPixels, CancellationToken cancellationToken) =>
        BoxDownscale(image.Width, image.Height, y => MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(y).Span), maxPixels, cancellationToken);

    /// <summary>The largest size within <paramref name="maxPixels"/> with the image's aspect.</summary>
    public static (int Width, int Height) SizeWithin(int width, int height, long maxPixels)
    {
        var scale = Math.Sqrt((double)maxPixels / ((long)width * height));
        return (Math.Max(1, (int)Math.Floor(width * scale)), Math.Max(1, (int)Math.Floor(height * scale)));
    }

    /// <summary>
    /// Output column x covers source columns [x W / w, (x + 1) W / w), and likewise for rows, so every source pixel
    /// counts once. The token is observed once per output row (a few source rows).
    /// </summary>
    private static RgbImage BoxDownscale(int sourceWidth, int sourceHeight, SourceRow row, long maxPixels, CancellationToken cancellationToken)
    {
        var (width, height) = SizeWithin(sourceWidth, sourceHeight, maxPixels);
        var columnOf = new int[sourceWidth];
        var columnCounts = new int[width];
        for (var x = 0; x < sourceWidth; x++)
        {
            columnOf[x] = (int)((long)x * width / sourceWidth);
            columnCounts[columnOf[x]]++;
        }

        var pixels = new byte[width * height * 3];
        var sums = new long[width * 3];
        var sourceY = 0;
        for (var y = 0; y < height; y++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(sums);
            var rows = 0;
            for (; sourceY < sourceHeight && (int)((long)sourceY * height / sourceHeight) == y; sourceY++, rows++)
            {
                var source = row(sourceY);
                for (var x = 0; x < sourceWidth; x++)
                {
                    var into = columnOf[x] * 3;
                    sums[into] += source[x * 3];
                    sums[into + 1] += source[(x * 3) + 1];
                    sums[into + 2] += source[(x * 3) + 2];
                }
            }

            for (var x = 0; x < width; x++)
            {
                long count = (long)columnCounts[x] * rows;
                for (var ch = 0; ch < 3; ch++)
                {
                    pixels[(((y * width) + x) * 3) + ch] = (byte)(((2 * sums[(x * 3) + ch]) + count) / (2 * count));
                }
            }
        }

        return new RgbImage(width, height, pixels);
    }
}
