using Dime.Engine.Imaging;
using Dime.Engine.Segmentation;

namespace Dime.Engine.Perturbation;

public enum HideMode
{
    /// <summary>LIME's default: each hidden segment takes its own mean colour, truncated to 8 bits.</summary>
    SegmentMean,
    Constant,
    Blur,
}

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B);

/// <summary>
/// The image with every segment hidden, so that any perturbation is the original with some segments' pixels
/// copied from here. Each segment's pixels are stored as runs of consecutive raster indices, which turns the
/// copy into a few block copies per segment.
/// </summary>
internal sealed class ImageHiding
{
    private readonly int[] _runOffsets;
    private readonly int[] _runStarts;
    private readonly int[] _runLengths;

    /// <summary>Builds the hidden image and the runs; each pass over the pixels observes <paramref name="cancellationToken"/>.</summary>
    public ImageHiding(RgbImage original, ImageSegmentation segmentation, HideMode mode, RgbColor constant, double blurSigma, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(segmentation);
        if (segmentation.Width != original.Width || segmentation.Height != original.Height)
        {
            throw new ArgumentException("The segmentation belongs to an image of another size.", nameof(segmentation));
        }

        Original = original;
        Segmentation = segmentation;
        Hidden = mode switch
        {
            HideMode.SegmentMean => FillSegments(original, segmentation, SegmentMeans(original, segmentation, cancellationToken), cancellationToken),
            HideMode.Constant => FillSegments(original, segmentation, Enumerable.Repeat(constant, segmentation.Count).ToArray(), cancellationToken),
            _ => GaussianBlur.Apply(original, blurSigma, cancellationToken),
        };
        (_runOffsets, _runStarts, _runLengths) = Runs(segmentation, cancellationToken);
    }

    public RgbImage Original { get; }

    public RgbImage Hidden { get; }

    public ImageSegmentation Segmentation { get; }

    /// <summary>Writes the image for row z: the original, with the pixels of every segment whose z is 0 taken from <see cref="Hidden"/>.</summary>
    public void Render(ReadOnlySpan<byte> z, Span<byte> destination)
    {
        Original.Pixels.CopyTo(destination);
        var hidden = Hidden.Pixels.AsSpan();
        for (var segment = 0; segment < z.Length; segment++)
        {
            if (z[segment] != 0)
            {
                continue;
            }

            for (var run = _runOffsets[segment]; run < _runOffsets[segment + 1]; run++)
            {
                var start = _runStarts[run] * 3;
                var length = _runLengths[run] * 3;
                hidden.Slice(start, length).CopyTo(destination.Slice(start, length));
            }
        }
    }

    /// <summary>LIME: <c>fudged_image[segments == x] = np.mean(image[segments == x], axis=0)</c> into a uint8 array, i.e. truncated.</summary>
    internal static RgbColor[] SegmentMeans(RgbImage image, ImageSegmentation segmentation, CancellationToken cancellationToken = default)
    {
        var means = new RgbColor[segmentation.Count];
        for (var s = 0; s < segmentation.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long r = 0, g = 0, b = 0;
            var pixels = segmentation.PixelsOf(s);
            foreach (var p in pixels)
            {
                r += image.Pixels[p * 3];
                g += image.Pixels[(p * 3) + 1];
                b += image.Pixels[(p * 3) + 2];
            }

            means[s] = new RgbColor((byte)(r / pixels.Length), (byte)(g / pixels.Length), (byte)(b / pixels.Length));
        }

        return means;
    }

    private static RgbImage FillSegments(RgbImage image, ImageSegmentation segmentation, RgbColor[] colours, CancellationToken cancellationToken)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var p = 0; p < segmentation.LabelMap.Length; p++)
        {
            if (p % image.Width == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var colour = colours[segmentation.LabelMap[p]];
            pixels[p * 3] = colour.R;
            pixels[(p * 3) + 1] = colour.G;
            pixels[(p * 3) + 2] = colour.B;
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }

    private static (int[] Offsets, int[] Starts, int[] Lengths) Runs(ImageSegmentation segmentation, CancellationToken cancellationToken)
    {
        var offsets = new int[segmentation.Count + 1];
        var starts = new List<int>();
        var lengths = new List<int>();
        for (var s = 0; s < segmentation.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pixels = segmentation.PixelsOf(s);
            var i = 0;
            while (i < pixels.Length)
            {
                var j = i + 1;
                while (j < pixels.Length && pixels[j] == pixels[j - 1] + 1)
                {
                    j++;
                }

                starts.Add(pixels[i]);
                lengths.Add(j - i);
                i = j;
            }

            offsets[s + 1] = starts.Count;
        }

        return (offsets, starts.ToArray(), lengths.ToArray());
    }
}
