using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;

namespace Dime.Engine.Quality;

public enum ExplanationPart
{
    M,
    UC,
    MI,
}

/// <summary>
/// The part's value for one label as features are removed from the instance (deletion) or added to the fully hidden
/// instance (insertion), most positive weight first; x is the fraction of features moved. A faithful explanation
/// has a low deletion AUC and a high insertion AUC (trapezoid rule over x in [0, 1]).
/// </summary>
public sealed record CurveReport(
    Modalities Modality, int Label, ExplanationPart Part, int[] Order, double[] Fractions, double[] Deletion, double[] Insertion, double DeletionAuc, double InsertionAuc);

public static class DeletionInsertion
{
    public static async Task<CurveReport> RunAsync(
        IMultimodalModel model, ExplainInstance instance, PreparedReference reference, DimeExplanation explanation,
        Modalities modality, int label, ExplanationPart part, int maxSteps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(explanation);
        reference.EnsureBelongsTo(model);
        var labels = (modality == Modalities.Image ? explanation.Image?.Labels : modality == Modalities.Text ? explanation.Text?.Labels : null)
            ?? throw new DimeException(ErrorKind.InvalidArgument, "The explanation has no such modality (give image or text).", nameof(modality));
        var explained = labels.FirstOrDefault(l => l.Label == label)
            ?? throw new DimeException(ErrorKind.InvalidArgument, $"Label {label} was not explained.", nameof(label));
        if (maxSteps < 1)
        {
            throw new DimeException(ErrorKind.InvalidArgument, "At least one step.", nameof(maxSteps));
        }

        var fit = part switch { ExplanationPart.M => explained.M, ExplanationPart.UC => explained.UC, _ => explained.MI };
        var weights = fit.Weights;
        var order = Enumerable.Range(0, weights.Length).OrderByDescending(j => weights[j]).ThenBy(j => j).ToArray();
        var steps = Math.Min(maxSteps, order.Length);
        var moved = Enumerable.Range(0, steps + 1).Select(t => (int)Math.Round((double)t * order.Length / steps)).ToArray();
        var rows = new FeatureRows(2 * (steps + 1), order.Length);
        for (var t = 0; t <= steps; t++)
        {
            rows.Row(t).Fill(1);
            for (var k = 0; k < moved[t]; k++)
            {
                rows.Row(t)[order[k]] = 0;
                rows.Row(steps + 1 + t)[order[k]] = 1;
            }
        }

        var options = explanation.Options;
        var clock = new PassClock();
        RowValues values;
        double[] fixedModalityMeans;
        if (modality == Modalities.Image)
        {
            var segmentation = Segmenter.Reproduce(instance.Image, explanation.Image!.Segmentation.Parameters);
            if (segmentation.Count != order.Length)
            {
                throw new DimeException(ErrorKind.InvalidArgument, "This explanation was made for another image.", nameof(instance));
            }

            var hiding = new ImageHiding(instance.Image, segmentation, options.HideMode, options.HideColor, options.BlurSigma);
            values = new RowValues(rows.Count, 1);
            await PerturbationPasses.ImageRowsAsync(
                model, hiding, rows, 0, rows.Count, PartnerPlan.Exact(reference.Count), reference.Reference, instance.Text, [label], options.RowsPerBatch, values, clock, _ => { }, cancellationToken).ConfigureAwait(false);
            fixedModalityMeans = explanation.Instance.G2;
        }
        else
        {
            var text = new IndexedText(instance.Text, options.TextFeatures);
            if (text.FeatureCount != order.Length)
            {
                throw new DimeException(ErrorKind.InvalidArgument, "This explanation was made for another text.", nameof(instance));
            }

            var maskToken = options.TextPerturbation == TextPerturbation.MaskToken ? options.MaskToken : null;
            var instanceImage = new ImageList([instance.Image], [instance.ImageCacheKey]);
            values = new RowValues(rows.Count, 1);
            await PerturbationPasses.TextRowsAsync(
                model, text, rows, 0, rows.Count, maskToken, PartnerPlan.Exact(reference.Count), reference.Reference, instanceImage, [label], options.RowsPerBatch, values, clock, _ => { }, cancellationToken).ConfigureAwait(false);
            fixedModalityMeans = explanation.Instance.G1;
        }

        var (m, uc, mi) = DimeExplainer.Decompose(values, fixedModalityMeans, reference.Mu, [label]).Single();
        var target = part switch { ExplanationPart.M => m, ExplanationPart.UC => uc, _ => mi };
        var fractions = moved.Select(k => (double)k / order.Length).ToArray();
        var deletion = target[..(steps + 1)];
        var insertion = target[(steps + 1)..];
        return new CurveReport(modality, label, part, order, fractions, deletion, insertion, Area(fractions, deletion), Area(fractions, insertion));
    }

    private static double Area(double[] x, double[] y)
    {
        var area = 0.0;
        for (var t = 1; t < x.Length; t++)
        {
            area += (x[t] - x[t - 1]) * (y[t] + y[t - 1]) / 2;
        }

        return area;
    }
}
