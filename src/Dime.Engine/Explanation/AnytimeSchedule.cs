using Dime.Engine.Fitting;
using Dime.Engine.Quality;

namespace Dime.Engine.Explanation;

/// <summary>
/// A fit of the rows so far, sent while a modality is still sampling: the surrogates of every label explained, and
/// how much they moved since the previous partial fit (null for the first), and what the weights index: the image's
/// segmentation or the text's features.
/// </summary>
public sealed record PartialExplanation(Modalities Modality, int Rows, int PlannedRows, LabelExplanation[] Labels, Convergence? Convergence)
{
    public SegmentationInfo? Segmentation { get; init; }

    public TextFeatureInfo? Features { get; init; }
}

/// <summary>
/// Agreement between two successive fits over every label and part (M, UC, MI): the smallest top-k overlap of the
/// features by |weight|, the smallest Spearman correlation of the weights, and the largest weight change relative to
/// the largest |weight| of the newer fit.
/// </summary>
public sealed record Convergence(int TopK, double MinTopKOverlap, double MinSpearman, double MaxRelativeChange)
{
    /// <summary>
    /// The untilStable rule: the top-k features of every label and part are the same set as at the previous partial
    /// fit, and no weight moved by more than <see cref="StableRelativeChange"/> of the largest |weight|.
    /// </summary>
    public const double StableRelativeChange = 0.2;

    public bool IsStable => MinTopKOverlap >= 1 && MaxRelativeChange <= StableRelativeChange;

    internal static Convergence Between(SurrogateFit[] previous, SurrogateFit[] current, int topK)
    {
        double minOverlap = 1, minSpearman = 1, maxChange = 0;
        for (var t = 0; t < current.Length; t++)
        {
            var (a, b) = (previous[t].Weights, current[t].Weights);
            minOverlap = Math.Min(minOverlap, RankStatistics.TopKOverlap(a, b, topK));
            minSpearman = Math.Min(minSpearman, RankStatistics.Spearman(a, b));
            maxChange = Math.Max(maxChange, RelativeChange(a, b));
        }

        return new Convergence(topK, minOverlap, minSpearman, maxChange);
    }

    /// <summary>max_j |a_j - b_j| / max_j |b_j| (0 when both are all zeros).</summary>
    public static double RelativeChange(double[] a, double[] b)
    {
        double largest = 0, change = 0;
        for (var j = 0; j < b.Length; j++)
        {
            largest = Math.Max(largest, Math.Abs(b[j]));
            change = Math.Max(change, Math.Abs(a[j] - b[j]));
        }

        return largest == 0 ? (change == 0 ? 0 : double.PositiveInfinity) : change / largest;
    }
}

/// <summary>
/// When a modality's rows are fitted before all S have arrived: after 100, 250 and 500 rows, then every 250 more.
/// Without partial results or untilStable the rows run in one go and only the final fit is made.
/// </summary>
public static class AnytimeSchedule
{
    public const int First = 100;
    public const int Second = 250;
    public const int Every = 250;

    /// <summary>The row counts at which to fit, ascending, the last one S.</summary>
    public static IReadOnlyList<int> Checkpoints(int samples, bool partial)
    {
        var points = new List<int>();
        if (partial)
        {
            for (var at = First; at < samples; at = at == First ? Second : at + Every)
            {
                points.Add(at);
            }
        }

        points.Add(samples);
        return points;
    }
}
