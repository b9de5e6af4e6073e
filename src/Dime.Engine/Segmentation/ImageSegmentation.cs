namespace Dime.Engine.Segmentation;

public enum SegmentationMethod
{
    /// <summary>Quickshift with LIME's parameters for images of 200 px and more, SLIC with about 50 segments below.</summary>
    Auto,
    Quickshift,
    Slic,
    Grid,
}

/// <summary>How to cut the image into superpixels. Defaults are LIME's quickshift parameters and skimage's SLIC compactness.</summary>
public sealed record SegmentationOptions
{
    public SegmentationMethod Method { get; init; } = SegmentationMethod.Auto;

    public double KernelSize { get; init; } = 4;

    public double MaxDist { get; init; } = 200;

    public double Ratio { get; init; } = 0.2;

    public int SlicSegments { get; init; } = 50;

    public double SlicCompactness { get; init; } = 10;

    public int SlicIterations { get; init; } = 10;

    public int GridRows { get; init; } = 7;

    public int GridColumns { get; init; } = 7;

    /// <summary>Quickshift's tie-breaking seed. Null: drawn from the explanation's random stream, like LIME.</summary>
    public int? QuickshiftSeed { get; init; }
}

/// <summary>What was actually run: the resolved method (never Auto) and the parameters that reproduce the map.</summary>
public sealed record SegmentationParameters(
    SegmentationMethod Method,
    double KernelSize,
    double MaxDist,
    double Ratio,
    int QuickshiftSeed,
    int SlicSegments,
    double SlicCompactness,
    int SlicIterations,
    int GridRows,
    int GridColumns);

/// <summary>
/// Superpixels of one image: a label per pixel (0..Count-1, row-major) and, per segment, the indices of its pixels
/// in ascending order (stored back to back: segment s owns <c>PixelIndices[PixelOffsets[s]..PixelOffsets[s+1]]</c>).
/// </summary>
public sealed class ImageSegmentation
{
    public ImageSegmentation(int width, int height, int[] labelMap, int count, SegmentationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(labelMap);
        ArgumentNullException.ThrowIfNull(parameters);
        if (labelMap.Length != checked(width * height))
        {
            throw new ArgumentException("One label per pixel.", nameof(labelMap));
        }

        Width = width;
        Height = height;
        LabelMap = labelMap;
        Count = count;
        Parameters = parameters;
        PixelOffsets = new int[count + 1];
        foreach (var label in labelMap)
        {
            if ((uint)label >= (uint)count)
            {
                throw new ArgumentException($"Label {label} outside 0..{count - 1}.", nameof(labelMap));
            }

            PixelOffsets[label + 1]++;
        }

        for (var s = 0; s < count; s++)
        {
            if (PixelOffsets[s + 1] == 0)
            {
                throw new ArgumentException($"Segment {s} has no pixels.", nameof(labelMap));
            }

            PixelOffsets[s + 1] += PixelOffsets[s];
        }

        PixelIndices = new int[labelMap.Length];
        var next = PixelOffsets[..^1];
        for (var p = 0; p < labelMap.Length; p++)
        {
            PixelIndices[next[labelMap[p]]++] = p;
        }
    }

    public int Width { get; }

    public int Height { get; }

    public int[] LabelMap { get; }

    public int Count { get; }

    public SegmentationParameters Parameters { get; }

    public int[] PixelOffsets { get; }

    public int[] PixelIndices { get; }

    public ReadOnlySpan<int> PixelsOf(int segment) => PixelIndices.AsSpan(PixelOffsets[segment], PixelOffsets[segment + 1] - PixelOffsets[segment]);

    /// <summary>Relabels any map to 0..K-1 in the order labels first appear in raster order.</summary>
    internal static int CompactLabels(int[] labels)
    {
        var map = new Dictionary<int, int>();
        for (var p = 0; p < labels.Length; p++)
        {
            if (!map.TryGetValue(labels[p], out var compact))
            {
                compact = map.Count;
                map.Add(labels[p], compact);
            }

            labels[p] = compact;
        }

        return map.Count;
    }
}
