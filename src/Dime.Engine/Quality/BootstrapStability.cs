using System.Diagnostics;
using Dime.Engine.Fitting;
using Dime.Engine.Sampling;

namespace Dime.Engine.Quality;

/// <summary>
/// The bootstrap stability of one modality's surrogates: per label, how well refits on resampled rows agree with the
/// full fit (mean and worst Spearman over all features, mean top-k overlap), and the seed of the resamples. Its cost is
/// in <see cref="Explanation.PhaseTimings.BootstrapMs"/>.
/// </summary>
public sealed record BootstrapReport(int Resamples, int TopK, int Seed, LabelStability[] Labels);

/// <summary>
/// Stability without extra model calls (method.md section 9): resample the S rows already computed with replacement
/// B times (row 0, the instance, always kept once), refit every target with the same kernel weights and the same
/// feature selection settings, and compare each refit with the full fit. A resample is a fit with weights
/// pi_i * (times row i was drawn), which is the same fit as on the duplicated rows.
/// </summary>
internal static class BootstrapStability
{
    /// <summary>B: ten refits cost about ten ordinary fits (tens of milliseconds for the demo's 21 labels) and average out the resampling noise of the figures.</summary>
    public const int DefaultResamples = 10;

    /// <summary>One <see cref="PartStability"/> per target, in the targets' order, and the milliseconds it took.</summary>
    public static (PartStability[] Parts, double Ms) Run(
        FeatureRows rows, double[] kernelWeights, IReadOnlyList<double[]> targets, FitSettings settings, SurrogateFit[] full,
        int resamples, int topK, Xoshiro256StarStar random, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var spearman = new double[targets.Count][];
        var overlap = new double[targets.Count][];
        for (var t = 0; t < targets.Count; t++)
        {
            spearman[t] = new double[resamples];
            overlap[t] = new double[resamples];
        }

        // The resamples are drawn in order (so they depend on the seed alone), then refitted in parallel.
        var resampleWeights = new double[resamples][];
        for (var b = 0; b < resamples; b++)
        {
            var weights = resampleWeights[b] = new double[rows.Count];
            weights[0] = kernelWeights[0];
            for (var draw = 1; draw < rows.Count; draw++)
            {
                var row = 1 + random.NextInt(rows.Count - 1);
                weights[row] += kernelWeights[row];
            }
        }

        // one refit per core at a time: each holds a few features x features matrices (8 MB each at 1000 segments)
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, resamples, parallel, b =>
        {
            var refits = LimeFit.Fit(rows, resampleWeights[b], targets, settings, cancellationToken);
            for (var t = 0; t < targets.Count; t++)
            {
                spearman[t][b] = RankStatistics.Spearman(full[t].Weights, refits[t].Weights);
                overlap[t][b] = RankStatistics.TopKOverlap(full[t].Weights, refits[t].Weights, topK);
            }
        });

        var parts = Enumerable.Range(0, targets.Count)
            .Select(t => new PartStability(spearman[t].Average(), spearman[t].Min(), overlap[t].Average()))
            .ToArray();
        return (parts, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
