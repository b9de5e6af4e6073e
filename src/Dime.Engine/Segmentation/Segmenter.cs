using Dime.Engine.Errors;
using Dime.Engine.Imaging;

namespace Dime.Engine.Segmentation;

/// <summary>Runs the chosen segmentation. Auto keeps LIME's quickshift where it was tuned (photos of 200 px and more)
/// and switches to SLIC (or a grid for tiny images) so that small images still get 20 to 80 segments.</summary>
public static class Segmenter
{
    public const int QuickshiftMinimumSide = 200;

    public static ImageSegmentation Segment(RgbImage image, SegmentationOptions options, int drawnQuickshiftSeed)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var method = Resolve(options.Method, image);
        var seed = options.QuickshiftSeed ?? drawnQuickshiftSeed;
        var gridRows = Math.Min(options.GridRows, image.Height);
        var gridColumns = Math.Min(options.GridColumns, image.Width);
        int[] labels;
        int count;
        switch (method)
        {
            case SegmentationMethod.Quickshift:
                labels = Quickshift.Segment(image, options.KernelSize, options.MaxDist, options.Ratio, seed, out count);
                break;
            case SegmentationMethod.Slic:
                labels = Slic.Segment(image, options.SlicSegments, options.SlicCompactness, options.SlicIterations, out count);
                break;
            default:
                labels = Grid(image.Width, image.Height, gridRows, gridColumns);
                count = gridRows * gridColumns;
                break;
        }

        var parameters = new SegmentationParameters(
            method, options.KernelSize, options.MaxDist, options.Ratio, seed,
            options.SlicSegments, options.SlicCompactness, options.SlicIterations, gridRows, gridColumns);
        return new ImageSegmentation(image.Width, image.Height, labels, count, parameters);
    }

    /// <summary>Reproduces a segmentation from the parameters recorded in a result.</summary>
    public static ImageSegmentation Reproduce(RgbImage image, SegmentationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var options = new SegmentationOptions
        {
            Method = parameters.Method,
            KernelSize = parameters.KernelSize,
            MaxDist = parameters.MaxDist,
            Ratio = parameters.Ratio,
            QuickshiftSeed = parameters.QuickshiftSeed,
            SlicSegments = parameters.SlicSegments,
            SlicCompactness = parameters.SlicCompactness,
            SlicIterations = parameters.SlicIterations,
            GridRows = parameters.GridRows,
            GridColumns = parameters.GridColumns,
        };
        return Segment(image, options, parameters.QuickshiftSeed);
    }

    internal static SegmentationMethod Resolve(SegmentationMethod method, RgbImage image)
    {
        if (method != SegmentationMethod.Auto)
        {
            return method;
        }

        var side = Math.Min(image.Width, image.Height);
        return side >= QuickshiftMinimumSide ? SegmentationMethod.Quickshift : side >= 32 ? SegmentationMethod.Slic : SegmentationMethod.Grid;
    }

    internal static void Validate(SegmentationOptions options)
    {
        Require(options.KernelSize >= 1, "Quickshift's kernel size must be at least 1.", nameof(options.KernelSize));
        Require(options.MaxDist > 0, "Quickshift's max_dist must be positive.", nameof(options.MaxDist));
        Require(options.Ratio is > 0 and <= 1, "Quickshift's ratio must be in (0, 1].", nameof(options.Ratio));
        Require(options.QuickshiftSeed is null or >= 0, "The quickshift seed must not be negative.", nameof(options.QuickshiftSeed));
        Require(options.SlicSegments is >= 1 and <= 10000, "SLIC needs 1 to 10000 segments.", nameof(options.SlicSegments));
        Require(options.SlicCompactness > 0, "SLIC's compactness must be positive.", nameof(options.SlicCompactness));
        Require(options.SlicIterations is >= 1 and <= 100, "SLIC needs 1 to 100 iterations.", nameof(options.SlicIterations));
        Require(options.GridRows is >= 1 and <= 256 && options.GridColumns is >= 1 and <= 256, "A grid needs 1 to 256 rows and columns.", nameof(options.GridRows));
    }

    private static int[] Grid(int width, int height, int rows, int columns)
    {
        var labels = new int[width * height];
        for (var y = 0; y < height; y++)
        {
            var row = (int)((long)y * rows / height);
            for (var x = 0; x < width; x++)
            {
                labels[(y * width) + x] = (row * columns) + (int)((long)x * columns / width);
            }
        }

        return labels;
    }

    private static void Require(bool condition, string message, string subject)
    {
        if (!condition)
        {
            throw new DimeException(ErrorKind.InvalidArgument, message, subject);
        }
    }
}
