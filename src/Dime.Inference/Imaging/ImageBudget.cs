using Dime.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dime.Inference.Imaging;

/// <summary>
/// How large an image DIME explains. Every perturbed copy of the image is rendered at full size before the model's
/// preprocessing shrinks it to the model's input, so a 40-megapixel photo would cost gigabytes per batch and minutes
/// of segmentation; images over <see cref="MaxExplainedPixels"/> are therefore downscaled (box filter, aspect kept)
/// once, after decoding, and explained (and predicted) at that size. Models take inputs far smaller than this.
/// </summary>
public static class ImageBudget
{
    public const long MaxExplainedPixels = 1_000_000;

    /// <summary>The image itself when within the budget, else a downscaled copy within it.</summary>
    public static RgbImage Fit(RgbImage image, long maxPixels = MaxExplainedPixels)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = (long)image.Width * image.Height;
        if (pixels <= maxPixels)
        {
            return image;
        }

        var scale = Math.Sqrt((double)maxPixels / pixels);
        var width = Math.Max(1, (int)Math.Floor(image.Width * scale));
        var height = Math.Max(1, (int)Math.Floor(image.Height * scale));
        using var source = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
        source.Mutate(x => x.Resize(width, height, KnownResamplers.Box));
        var bytes = new byte[width * height * 3];
        source.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Rgb24>(bytes.AsSpan()));
        return new RgbImage(width, height, bytes);
    }
}
