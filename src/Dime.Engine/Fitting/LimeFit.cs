using Dime.Engine.Sampling;
using MathNet.Numerics.LinearAlgebra;

namespace Dime.Engine.Fitting;

/// <summary>How to fit: LIME's defaults are ridge alpha 1 and, for text, 'auto' selection of 10 features.</summary>
internal sealed record FitSettings(FeatureSelection Selection, int NumFeatures, double Alpha);

/// <summary>
/// LIME 0.2.0.1's <c>explain_instance_with_data</c> with sklearn 1.2 Ridge semantics, for many targets (M, UC, MI
/// of every label) that share the same rows and weights:
///   1. centre X and y by their weighted means and scale rows by sqrt(weight) (the intercept is not penalised);
///   2. select features: all, forward selection (ridge alpha 0, best weighted R^2 added one at a time), or the
///      largest |coefficient| of a ridge with alpha 0.01;
///   3. fit ridge (alpha 1) on the selected features: coefficients, intercept = mean(y) - mean(x) . coef;
///   4. report the weighted R^2 (sklearn's score with sample_weight) and the prediction at the all-ones row.
/// Everything after step 1 works on the Gram matrix, so with all features kept one Cholesky factorisation
/// serves every target.
/// </summary>
internal static class LimeFit
{
    private const double HighestWeightsAlpha = 0.01;
    private const double ForwardSelectionAlpha = 0;
    private const int ForwardSelectionLimit = 6;

    /// <summary>Fits every target; the design's Gram matrix, the selection of each target and its refit observe <paramref name="cancellationToken"/>.</summary>
    public static SurrogateFit[] Fit(FeatureRows rows, double[] weights, IReadOnlyList<double[]> targets, FitSettings settings, CancellationToken cancellationToken = default)
    {
        var design = new WeightedDesign(rows, weights, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var (centredTargets, targetMeans) = design.CentreTargets(targets);
        var crossProducts = design.Centred.TransposeThisAndMultiply(centredTargets);
        var totalSquares = centredTargets.ColumnNorms(2).Map(n => n * n);

        var selection = Resolve(settings.Selection, settings.NumFeatures);
        if (selection == FeatureSelection.None)
        {
            var allFeatures = Enumerable.Range(0, design.Features).ToArray();
            var coefficients = design.SolveAll(crossProducts, settings.Alpha);
            cancellationToken.ThrowIfCancellationRequested();
            var residualSquares = (centredTargets - (design.Centred * coefficients)).ColumnNorms(2).Map(n => n * n);
            return Enumerable.Range(0, targets.Count)
                .Select(t => Summarise(design, allFeatures, coefficients.Column(t), targetMeans[t], residualSquares[t], totalSquares[t]))
                .ToArray();
        }

        var ranking = selection == FeatureSelection.HighestWeights ? design.SolveAll(crossProducts, HighestWeightsAlpha) : null;
        cancellationToken.ThrowIfCancellationRequested();

        // Keeping at least every feature (lime_image asks for 100000) selects all of them for every target, only in
        // another order; a ridge fit does not depend on the order of its columns, so one factorisation serves every
        // target instead of one features x features system per target.
        var everyFeature = ranking is not null && settings.NumFeatures >= design.Features ? design.SolveAll(crossProducts, settings.Alpha) : null;
        cancellationToken.ThrowIfCancellationRequested();
        var fits = new SurrogateFit[targets.Count];
        Parallel.For(0, targets.Count, new ParallelOptions { CancellationToken = cancellationToken }, t =>
        {
            var selected = ranking is not null
                ? HighestWeights(ranking.Column(t), settings.NumFeatures)
                : ForwardSelection(design, crossProducts.Column(t), totalSquares[t], settings.NumFeatures, cancellationToken);
            var coefficients = everyFeature is not null
                ? Vector<double>.Build.Dense(selected.Length, a => everyFeature[selected[a], t])
                : design.Solve(selected, crossProducts.Column(t), settings.Alpha);
            var residualSquares = ResidualSquares(design, selected, coefficients, centredTargets.Column(t));
            fits[t] = Summarise(design, selected, coefficients, targetMeans[t], residualSquares, totalSquares[t]);
        });
        return fits;
    }

    internal static FeatureSelection Resolve(FeatureSelection selection, int numFeatures) =>
        selection != FeatureSelection.Auto ? selection
        : numFeatures <= ForwardSelectionLimit ? FeatureSelection.Forward
        : FeatureSelection.HighestWeights;

    /// <summary>LIME: the first features by |coef| of a ridge with alpha 0.01, ties kept in feature order (Python's stable sort).</summary>
    private static int[] HighestWeights(Vector<double> coefficients, int count) =>
        Enumerable.Range(0, coefficients.Count)
            .OrderByDescending(j => Math.Abs(coefficients[j]))
            .ThenBy(j => j)
            .Take(count)
            .ToArray();

    /// <summary>LIME: greedily add the feature whose unpenalised fit (with the ones already chosen) has the best weighted R^2; the first best wins ties.</summary>
    private static int[] ForwardSelection(WeightedDesign design, Vector<double> crossProducts, double totalSquares, int count, CancellationToken cancellationToken)
    {
        var selected = new List<int>();
        var candidate = new List<int>();
        for (var step = 0; step < Math.Min(count, design.Features); step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bestScore = -100000000.0;
            var best = 0;
            for (var feature = 0; feature < design.Features; feature++)
            {
                if (selected.Contains(feature))
                {
                    continue;
                }

                candidate.Clear();
                candidate.AddRange(selected);
                candidate.Add(feature);
                var coefficients = design.Solve(candidate, crossProducts, ForwardSelectionAlpha);
                var explained = 0.0;
                for (var a = 0; a < candidate.Count; a++)
                {
                    explained += coefficients[a] * crossProducts[candidate[a]];
                }

                var score = RSquared(totalSquares - explained, totalSquares);
                if (score > bestScore)
                {
                    best = feature;
                    bestScore = score;
                }
            }

            selected.Add(best);
        }

        return [.. selected];
    }

    private static double ResidualSquares(WeightedDesign design, int[] selected, Vector<double> coefficients, Vector<double> centredTarget)
    {
        var residuals = centredTarget.ToArray();
        var centred = design.CentredColumnMajor;
        for (var a = 0; a < selected.Length; a++)
        {
            var column = centred.AsSpan(selected[a] * residuals.Length, residuals.Length);
            var coefficient = coefficients[a];
            for (var i = 0; i < residuals.Length; i++)
            {
                residuals[i] -= column[i] * coefficient;
            }
        }

        var sum = 0.0;
        foreach (var residual in residuals)
        {
            sum += residual * residual;
        }

        return sum;
    }

    private static SurrogateFit Summarise(WeightedDesign design, int[] selected, Vector<double> coefficients, double targetMean, double residualSquares, double totalSquares)
    {
        var weights = new double[design.Features];
        var intercept = targetMean;
        var atInstance = 0.0;
        for (var a = 0; a < selected.Length; a++)
        {
            weights[selected[a]] = coefficients[a];
            intercept -= design.FeatureMeans[selected[a]] * coefficients[a];
            atInstance += coefficients[a];
        }

        return new SurrogateFit(weights, intercept, RSquared(residualSquares, totalSquares), intercept + atInstance, selected);
    }

    /// <summary>sklearn's r2_score: 1 - SSE/SST, and for a constant target 1 when the fit is exact, else 0.</summary>
    private static double RSquared(double residualSquares, double totalSquares) =>
        totalSquares != 0 ? 1 - (residualSquares / totalSquares) : residualSquares == 0 ? 1 : 0;
}
