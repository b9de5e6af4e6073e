using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using EngineLabel = Dime.Engine.Explanation.LabelExplanation;

namespace Dime.Daemon.Explaining;

/// <summary>The engine's explanation in the protocol's shape (docs/protocol.md).</summary>
internal static class ResultMapper
{
    public const int TopAnswers = 5;

    public static Prediction Predict(IReadOnlyList<string> labels, IReadOnlyList<double> logits, int top = TopAnswers)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        var order = Enumerable.Range(0, logits.Count).OrderByDescending(i => logits[i]).ToList();
        var answers = order.Take(top).Select(i => new Answer(labels[i], i, logits[i], exp[i] / sum)).ToList();
        return new Prediction(answers, order[0]);
    }

    /// <param name="labels">The explained labels; null for all of them.</param>
    public static IReadOnlyList<InstanceValues> Values(InstanceDecomposition d, IReadOnlyList<int>? labels) =>
        [.. (labels ?? Enumerable.Range(0, d.F.Length)).Select(c => new InstanceValues(c, d.F[c], d.UC[c], d.MI[c], d.G1[c], d.G2[c], d.Mu[c]))];

    public static ImageExplanationDto? Image(Engine.Explanation.ImageExplanation? image)
    {
        if (image is null)
        {
            return null;
        }

        return new ImageExplanationDto(
            Segmentation(image.Segmentation), image.Samples, [.. image.Labels.Select(Label)], Sampling(image.Sampling), image.Bootstrap);
    }

    public static SegmentationInfoDto Segmentation(Engine.Explanation.SegmentationInfo s)
    {
        var p = s.Parameters;
        var method = p.Method.ToString().ToLowerInvariant();
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        switch (method)
        {
            case "quickshift":
                parameters["kernelSize"] = p.KernelSize;
                parameters["maxDist"] = p.MaxDist;
                parameters["ratio"] = p.Ratio;
                parameters["seed"] = p.QuickshiftSeed;
                break;
            case "slic":
                parameters["segments"] = p.SlicSegments;
                parameters["compactness"] = p.SlicCompactness;
                parameters["iterations"] = p.SlicIterations;
                break;
            default:
                parameters["rows"] = p.GridRows;
                parameters["columns"] = p.GridColumns;
                break;
        }

        return new SegmentationInfoDto(method, parameters, s.Count, s.Width, s.Height, s.LabelMap);
    }

    /// <param name="isUnknown">Whether the model's tokenizer turns a word into its unknown token.</param>
    public static TextExplanationDto? Text(Engine.Explanation.TextExplanation? text, Func<string, bool> isUnknown)
    {
        if (text is null)
        {
            return null;
        }

        var f = text.Features;
        return new TextExplanationDto(f.Words, Tokens(f, isUnknown), text.Samples, [.. text.Labels.Select(Label)], Sampling(text.Sampling), text.Bootstrap);
    }

    /// <summary>
    /// A wired (format 2) model's graph calls between two snapshots, as timings entries: runs.GRAPH (session runs) and
    /// rows.GRAPH (images, texts or pairs it computed). Explanations running at once on the same model add up.
    /// </summary>
    public static IEnumerable<(string Name, double Count)> GraphCalls(IReadOnlyList<Dime.Inference.Models.GraphCalls> before, IReadOnlyList<Dime.Inference.Models.GraphCalls> after)
    {
        foreach (var calls in after)
        {
            var earlier = before.FirstOrDefault(b => b.Graph == calls.Graph);
            yield return ($"runs.{calls.Graph}", calls.Runs - (earlier?.Runs ?? 0));
            yield return ($"rows.{calls.Graph}", calls.Rows - (earlier?.Rows ?? 0));
        }
    }

    /// <summary>The text's tokens, words marked when the model's tokenizer turns them into its unknown token (when known).</summary>
    public static IReadOnlyList<TextToken> Tokens(TextFeatureInfo f, Func<string, bool>? isUnknown = null)
    {
        var unknown = f.Words.Select(w => isUnknown?.Invoke(w) ?? false).ToArray();
        return [.. f.Tokens.Select((t, i) => new TextToken(t, f.TokenFeatures[i], f.TokenFeatures[i] >= 0 && unknown[f.TokenFeatures[i]] ? true : null))];
    }

    public static SamplingInfo? Sampling(RowSampling? s) => s is null ? null : new SamplingInfo(
        s.PlannedRows, s.Rows, s.StoppedEarly, s.LastConvergence, s.Estimator is { } e ? (e == Engine.Disentanglement.PartnerEstimator.Shared ? "shared" : "perRow") : "exact",
        s.Partners, s.ReferenceSize, s.PairPasses);

    /// <summary>
    /// A partial fit as `$/progress` carries it: the rows so far, the convergence since the previous partial, the
    /// surrogates of at most <paramref name="labels"/> (the labels the panel opens on), and with the first partial
    /// of a modality its segmentation or words; <paramref name="predicted"/> is the label the result will open on.
    /// </summary>
    public static PartialResult Partial(PartialExplanation partial, IReadOnlyCollection<int> labels, int predicted, bool first) => new(
        partial.Modality == Modalities.Image ? "image" : "text",
        partial.Rows,
        partial.PlannedRows,
        predicted,
        partial.Convergence,
        [.. partial.Labels.Where(l => labels.Contains(l.Label)).Select(Label)],
        first && partial.Segmentation is { } s ? Segmentation(s) : null,
        first && partial.Features is { } f ? f.Words : null,
        first && partial.Features is { } g ? Tokens(g) : null);

    public static IReadOnlyDictionary<string, double> Timings(PhaseTimings? t, double referenceMs, double artifactsMs)
    {
        var timings = new Dictionary<string, double>(StringComparer.Ordinal) { ["reference"] = Math.Round(referenceMs, 1) };
        if (t is not null)
        {
            timings["instance"] = Math.Round(t.InstanceMs, 1);
            timings["segmentation"] = Math.Round(t.SegmentationMs, 1);
            timings["sampling"] = Math.Round(t.SamplingMs, 1);
            timings["perturbation"] = Math.Round(t.PerturbationMs, 1);
            timings["model"] = Math.Round(t.ModelMs, 1);
            timings["disentanglement"] = Math.Round(t.DisentanglementMs, 1);
            timings["fitting"] = Math.Round(t.FittingMs, 1);
            timings["engine"] = Math.Round(t.EngineMs, 1);
            timings["explanation"] = Math.Round(t.TotalMs, 1);
            timings["bootstrap"] = Math.Round(t.BootstrapMs, 1);
            if (t.FirstPartialMs is { } firstPartial)
            {
                timings["firstPartial"] = Math.Round(firstPartial, 1);
            }
        }

        timings["artifacts"] = Math.Round(artifactsMs, 1);
        return timings;
    }

    /// <summary>The options as they were resolved, with every default filled in: what reproduces the result.</summary>
    public static JsonObject Settings(ExplainOptions o, ExplainOptionsDto dto, int referenceSize, string referenceDataset)
    {
        var settings = new JsonObject
        {
            ["seed"] = o.Seed,
            ["modalities"] = o.Modalities.ToString().ToLowerInvariant(),
            ["imageSamples"] = o.ImageSamples,
            ["textSamples"] = o.TextSamples,
            ["referenceSize"] = referenceSize,
            ["referenceSeed"] = dto.ReferenceSeedOrDefault,
            ["stratified"] = dto.StratifiedOrDefault,
            ["referenceDataset"] = referenceDataset,
            ["segmentation"] = o.Segmentation.Method.ToString().ToLowerInvariant(),
            ["hide"] = dto.Hide?.Mode?.ToLowerInvariant() ?? "median",
            ["textFeatures"] = o.TextFeatures == Engine.Perturbation.TextFeatureMode.Positions ? "positions" : "words",
            ["textMask"] = o.TextPerturbation == Engine.Perturbation.TextPerturbation.MaskToken ? "mask" : "delete",
            ["imageFeatureSelection"] = Name(o.ImageFeatureSelection),
            ["textFeatureSelection"] = Name(o.TextFeatureSelection),
            ["textFeatureCount"] = o.TextFeatureCount,
            ["kernelWidth"] = o.KernelWidth,
            ["ridgeAlpha"] = o.RidgeAlpha,
            ["partners"] = o.Partners is { } k && k < referenceSize ? k : 0,
            ["bootstrap"] = o.BootstrapResamples,
            ["untilStable"] = o.UntilStable,
        };
        if (o.Partners is { } partners && partners < referenceSize)
        {
            settings["partnerEstimator"] = o.PartnerEstimator == Engine.Disentanglement.PartnerEstimator.Shared ? "shared" : "perRow";
        }

        if (o.HideMode == Engine.Perturbation.HideMode.Constant)
        {
            settings["hideColor"] = new JsonArray(o.HideColor.R, o.HideColor.G, o.HideColor.B);
        }

        if (o.HideMode == Engine.Perturbation.HideMode.Blur)
        {
            settings["blurSigma"] = o.BlurSigma;
        }

        if (o.ImageFeatureSelection != FeatureSelection.None)
        {
            settings["imageFeatureCount"] = o.ImageFeatureCount;
        }

        if (o.TextPerturbation == Engine.Perturbation.TextPerturbation.MaskToken)
        {
            settings["maskToken"] = o.MaskToken;
        }

        return settings;
    }

    private static string Name(FeatureSelection selection) => selection switch
    {
        FeatureSelection.None => "none",
        FeatureSelection.Auto => "auto",
        FeatureSelection.Forward => "forward",
        _ => "highestWeights",
    };

    private static LabelExplanationDto Label(EngineLabel label) => new(label.Label, Part(label.M), Part(label.UC), Part(label.MI));

    private static Part Part(SurrogateFit fit) => new(fit.Weights, fit.SelectedFeatures, fit.Intercept, fit.RSquared, fit.LocalPrediction);
}
