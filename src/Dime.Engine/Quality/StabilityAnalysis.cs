using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Models;

namespace Dime.Engine.Quality;

/// <summary>How much one part's weights agree across runs with different seeds: Spearman rank correlation and top-k overlap, averaged over all pairs of runs (and the worst pair's correlation).</summary>
public sealed record PartStability(double MeanSpearman, double MinSpearman, double MeanTopKOverlap);

public sealed record LabelStability(int Label, string Name, PartStability M, PartStability UC, PartStability MI);

public sealed record StabilityReport(int Runs, int TopK, int[] Seeds, LabelStability[]? Image, LabelStability[]? Text);

/// <summary>
/// Stability over seeds: the same explanation run K times with seeds Seed, Seed+1, ..., every run on the first
/// run's segmentation (quickshift's seed pinned) so that the features are the same and only the samples differ.
/// </summary>
public static class StabilityAnalysis
{
    public static async Task<StabilityReport> RunAsync(
        IMultimodalModel model, ExplainInstance instance, PreparedReference reference, ExplainOptions options, int runs, int topK,
        IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (runs is < 2 or > 100 || topK < 1 || (long)options.Seed + runs > int.MaxValue)
        {
            throw new DimeException(ErrorKind.InvalidArgument, "Stability needs 2 to 100 runs, a top-k of at least 1 and seeds that fit an int.", nameof(runs));
        }

        var explanations = new List<DimeExplanation>(runs);
        var seeds = Enumerable.Range(options.Seed, runs).ToArray();
        var runOptions = options with { BootstrapResamples = 0 };
        for (var k = 0; k < runs; k++)
        {
            var scaled = progress is null ? null : new RunProgress(progress, k, runs);
            var explanation = await DimeExplainer.ExplainAsync(model, instance, reference, runOptions with { Seed = seeds[k] }, scaled, cancellationToken).ConfigureAwait(false);
            if (k == 0 && explanation.Image is { } image)
            {
                runOptions = runOptions with { Segmentation = options.Segmentation with { QuickshiftSeed = image.Segmentation.Parameters.QuickshiftSeed } };
            }

            explanations.Add(explanation);
        }

        return new StabilityReport(
            runs, topK, seeds,
            explanations[0].Image is null ? null : Compare(explanations.Select(e => e.Image!.Labels).ToArray(), topK),
            explanations[0].Text is null ? null : Compare(explanations.Select(e => e.Text!.Labels).ToArray(), topK));
    }

    private static LabelStability[] Compare(LabelExplanation[][] runs, int topK) =>
        runs[0].Select((label, l) => new LabelStability(
            label.Label, label.Name,
            Compare(runs.Select(r => r[l].M).ToArray(), topK),
            Compare(runs.Select(r => r[l].UC).ToArray(), topK),
            Compare(runs.Select(r => r[l].MI).ToArray(), topK))).ToArray();

    private static PartStability Compare(SurrogateFit[] fits, int topK)
    {
        var correlations = new List<double>();
        var overlaps = new List<double>();
        for (var a = 0; a < fits.Length; a++)
        {
            for (var b = a + 1; b < fits.Length; b++)
            {
                correlations.Add(RankStatistics.Spearman(fits[a].Weights, fits[b].Weights));
                overlaps.Add(RankStatistics.TopKOverlap(fits[a].Weights, fits[b].Weights, topK));
            }
        }

        return new PartStability(correlations.Average(), correlations.Min(), overlaps.Average());
    }

    /// <summary>One run's progress as a part of all runs.</summary>
    private sealed class RunProgress(IProgress<ExplainProgress> outer, int run, int runs) : IProgress<ExplainProgress>
    {
        public void Report(ExplainProgress value) => outer.Report(value with { OverallFraction = (run + value.OverallFraction) / runs });
    }
}

public static class RankStatistics
{
    /// <summary>Spearman's rho: Pearson correlation of average ranks (ties share their mean rank). Two constant vectors agree (1); one constant vector does not (0).</summary>
    public static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxx == 0 && syy == 0 ? 1 : sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>|top-k of x by |weight| intersected with top-k of y| / k, k capped at the number of features.</summary>
    public static double TopKOverlap(double[] x, double[] y, int k)
    {
        k = Math.Min(k, x.Length);
        return TopK(x, k).Intersect(TopK(y, k)).Count() / (double)k;
    }

    public static int[] TopK(double[] weights, int k) =>
        Enumerable.Range(0, weights.Length).OrderByDescending(j => Math.Abs(weights[j])).ThenBy(j => j).Take(k).ToArray();

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            for (var i = start; i <= end; i++)
            {
                ranks[order[i]] = (start + end) / 2.0;
            }

            start = end + 1;
        }

        return ranks;
    }
}
