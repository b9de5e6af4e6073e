using Dime.Engine.Disentanglement;
using Dime.Engine.Models;

namespace Dime.Engine.Explanation;

/// <summary>
/// Dataset-level readout (accuracies are null when no sample has a known answer): how much a model's accuracy relies on interactions. The accuracy of f against the accuracy
/// of its EMAP projection (g1 + g2 - mu over the same samples; the difference is the EMAP gap), the share of |UC| and
/// |MI| per label, and the samples ranked by their reliance on MI.
/// </summary>
public sealed record EmapReport(
    int Samples,
    int SamplesWithAnswers,
    double? Accuracy,
    double? ProjectedAccuracy,
    double? Gap,
    EmapLabelShare[] Labels,
    EmapSample[] SamplesByInteraction);

/// <summary>Over all samples: sum |UC(a_i, b_i)| and sum |MI(a_i, b_i)| for one label, and MI's share of the two.</summary>
public sealed record EmapLabelShare(int Label, string Name, double SumAbsUC, double SumAbsMI, double InteractionShare);

/// <summary>
/// One sample: its answer (-1 if unknown or not a label), the predictions of f and of the projection, and at f's
/// predicted label the UC and MI values and MI's share |MI| / (|UC| + |MI|).
/// </summary>
public sealed record EmapSample(int Index, int Answer, int Predicted, int ProjectedPrediction, double UC, double MI, double InteractionShare);

public static class EmapAnalysis
{
    /// <summary>Evaluates the n x n grid of the samples once (as a reference set) and analyses it.</summary>
    public static async Task<EmapReport> AnalyzeAsync(IMultimodalModel model, ReferenceSet samples, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        var prepared = await PreparedReference.PrepareAsync(model, samples, progress, cancellationToken).ConfigureAwait(false);
        return Analyze(prepared);
    }

    /// <summary>The analysis of samples already evaluated on their full grid; answers come from the reference set.</summary>
    public static EmapReport Analyze(PreparedReference prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var n = prepared.Count;
        var l = prepared.Labels.Count;
        var labelIndex = prepared.Labels.Select((name, c) => (name, c)).GroupBy(p => p.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().c, StringComparer.Ordinal);
        var sumAbsUc = new double[l];
        var sumAbsMi = new double[l];
        var samples = new EmapSample[n];
        int withAnswers = 0, correct = 0, projectedCorrect = 0;
        for (var i = 0; i < n; i++)
        {
            var f = new double[l];
            var uc = new double[l];
            for (var c = 0; c < l; c++)
            {
                var k = (i * l) + c;
                f[c] = prepared.Diagonal[k];
                uc[c] = prepared.ImageMeans[k] + prepared.TextMeans[k] - prepared.Mu[c];
                sumAbsUc[c] += Math.Abs(uc[c]);
                sumAbsMi[c] += Math.Abs(f[c] - uc[c]);
            }

            var answer = prepared.Reference.Answers?[i] is { } name && labelIndex.TryGetValue(name, out var a) ? a : -1;
            samples[i] = Decompose(i, answer, f, uc);
            if (answer >= 0)
            {
                withAnswers++;
                correct += samples[i].Predicted == answer ? 1 : 0;
                projectedCorrect += samples[i].ProjectedPrediction == answer ? 1 : 0;
            }
        }

        double? accuracy = withAnswers == 0 ? null : (double)correct / withAnswers;
        double? projectedAccuracy = withAnswers == 0 ? null : (double)projectedCorrect / withAnswers;
        var labels = Enumerable.Range(0, l)
            .Select(c => new EmapLabelShare(c, prepared.Labels[c], sumAbsUc[c], sumAbsMi[c], Share(sumAbsUc[c], sumAbsMi[c])))
            .ToArray();
        var ranked = samples.Order(ByInteraction).ToArray();
        return new EmapReport(n, withAnswers, accuracy, projectedAccuracy, accuracy - projectedAccuracy, labels, ranked);
    }

    /// <summary>Samples most driven by interactions first: by MI's share, then by |MI|, then by index.</summary>
    public static readonly IComparer<EmapSample> ByInteraction = Comparer<EmapSample>.Create((x, y) =>
    {
        var byShare = y.InteractionShare.CompareTo(x.InteractionShare);
        if (byShare != 0)
        {
            return byShare;
        }

        var byMi = Math.Abs(y.MI).CompareTo(Math.Abs(x.MI));
        return byMi != 0 ? byMi : x.Index.CompareTo(y.Index);
    });

    /// <summary>
    /// One sample from f(a_i, b_i) and its additive projection uc = g1(a_i) + g2(b_i) - mu, per label: the two
    /// predictions, and UC, MI and MI's share at f's predicted label.
    /// </summary>
    public static EmapSample Decompose(int index, int answer, ReadOnlySpan<double> f, ReadOnlySpan<double> uc)
    {
        var predicted = ArgMax(f);
        var projected = ArgMax(uc);
        var mi = f[predicted] - uc[predicted];
        return new EmapSample(index, answer, predicted, projected, uc[predicted], mi, Share(uc[predicted], mi));
    }

    public static double Share(double uc, double mi)
    {
        var total = Math.Abs(uc) + Math.Abs(mi);
        return total == 0 ? 0 : Math.Abs(mi) / total;
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var c = 1; c < values.Length; c++)
        {
            if (values[c] > values[best])
            {
                best = c;
            }
        }

        return best;
    }
}
