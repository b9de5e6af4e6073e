using System.Diagnostics;
using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Fitting;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;

namespace Dime.Engine.Explanation;

/// <summary>
/// DIME (Lyu et al., AIES 2022): split the model's logits into unimodal contributions UC = g1(a) + g2(b) - mu and
/// multimodal interactions MI = f - UC over a reference set R, then explain f, UC and MI with one LIME run per modality:
///   segment the image -> sample rows -> perturb -> infer in chunks -> disentangle -> fit.
/// </summary>
public static class DimeExplainer
{
    internal const ulong ImageStream = RandomStreams.Image;
    internal const ulong TextStream = RandomStreams.Text;
    internal const int LimeSeedBound = 1000;

    public static async Task<DimeExplanation> ExplainAsync(
        IMultimodalModel model, ExplainInstance instance, PreparedReference reference, ExplainOptions options,
        IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model.Labels.Count);
        reference.EnsureBelongsTo(model);
        var labels = options.Labels?.ToArray() ?? Enumerable.Range(0, model.Labels.Count).ToArray();
        var text = new IndexedText(instance.Text, options.TextFeatures);
        if (options.Modalities.HasFlag(Modalities.Text) && text.FeatureCount == 0)
        {
            throw new DimeException(DimeErrorCode.TextInvalid, "The text has no words to explain.", "text");
        }

        var run = new ExplanationRun(progress, options);
        var total = Stopwatch.GetTimestamp();

        var decomposition = await run.TimedAsync(ExplanationRun.InstancePhase, () => DecomposeInstanceAsync(model, instance, reference, run.Clock, cancellationToken)).ConfigureAwait(false);
        run.Report(ExplainPhases.Instance, 1, 0);

        ImageExplanation? image = null;
        if (options.Modalities.HasFlag(Modalities.Image))
        {
            image = await ExplainImageAsync(model, instance, reference, options, labels, decomposition, run, cancellationToken).ConfigureAwait(false);
        }

        TextExplanation? textExplanation = null;
        if (options.Modalities.HasFlag(Modalities.Text))
        {
            textExplanation = await ExplainTextAsync(model, instance, text, reference, options, labels, decomposition, run, cancellationToken).ConfigureAwait(false);
        }

        run.Report(ExplainPhases.Done, 1, run.TotalRows);
        var timings = run.Timings(Stopwatch.GetElapsedTime(total));
        return new DimeExplanation(options.Seed, model.Labels.ToArray(), labels, decomposition, image, textExplanation, reference.Count, options, timings);
    }

    /// <summary>f(a*, b*), g1(a*) over R's texts, g2(b*) over R's images, for every label: two model calls, 2N + 1 pairs.</summary>
    private static async Task<InstanceDecomposition> DecomposeInstanceAsync(
        IMultimodalModel model, ExplainInstance instance, PreparedReference reference, PassClock clock, CancellationToken cancellationToken)
    {
        var r = reference.Reference;
        var l = model.Labels.Count;
        var instanceImage = new ImageList([instance.Image], [instance.ImageCacheKey]);
        var called = Stopwatch.GetTimestamp();
        var withTexts = await ModelCalls.EvaluateAsync(model, instanceImage, [.. r.Texts, instance.Text], cancellationToken).ConfigureAwait(false);
        var withImages = await ModelCalls.EvaluateAsync(model, r.Images, [instance.Text], cancellationToken).ConfigureAwait(false);
        clock.Model += Stopwatch.GetElapsedTime(called);
        var f = new double[l];
        var g1 = new double[l];
        var g2 = new double[l];
        for (var c = 0; c < l; c++)
        {
            f[c] = withTexts[0, r.Count, c];
            for (var j = 0; j < r.Count; j++)
            {
                g1[c] += withTexts[0, j, c];
                g2[c] += withImages[j, 0, c];
            }

            g1[c] /= r.Count;
            g2[c] /= r.Count;
        }

        var mu = (double[])reference.Mu.Clone();
        var uc = Enumerable.Range(0, l).Select(c => g1[c] + g2[c] - mu[c]).ToArray();
        var mi = Enumerable.Range(0, l).Select(c => f[c] - uc[c]).ToArray();
        return new InstanceDecomposition(f, g1, g2, mu, uc, mi);
    }

    private static async Task<ImageExplanation> ExplainImageAsync(
        IMultimodalModel model, ExplainInstance instance, PreparedReference reference, ExplainOptions options, int[] labels,
        InstanceDecomposition decomposition, ExplanationRun run, CancellationToken cancellationToken)
    {
        var random = new Xoshiro256StarStar(options.Seed, ImageStream);
        var drawnSeed = random.NextInt(LimeSeedBound);
        run.Report(ExplainPhases.Segmentation, 0, 0);
        var segmentation = run.Timed(ExplanationRun.SegmentationPhase, () => Segmenter.Segment(instance.Image, options.Segmentation, drawnSeed));
        var rows = run.Timed(ExplanationRun.SamplingPhase, () => RowSampler.Image(options.ImageSamples, segmentation.Count, random));
        var hiding = run.Timed(ExplanationRun.PerturbationPhase, () => new ImageHiding(instance.Image, segmentation, options.HideMode, options.HideColor, options.BlurSigma));

        var values = await PerturbationPasses.ImageRowsAsync(
            model, hiding, rows, reference.Reference, instance.Text, labels, options.RowsPerBatch, run.Clock,
            done => run.Report(ExplainPhases.Image, (double)done / rows.Count, done), cancellationToken).ConfigureAwait(false);

        var fits = run.Timed(ExplanationRun.FittingPhase, () => Fit(rows, values, decomposition.G2, decomposition.Mu, labels, options.ImageFeatureSelection, options.ImageFeatureCount, options));
        var info = new SegmentationInfo(segmentation.Width, segmentation.Height, segmentation.Count, segmentation.LabelMap, segmentation.Parameters);
        return new ImageExplanation(rows.Count, info, Explanations(model, labels, fits));
    }

    private static async Task<TextExplanation> ExplainTextAsync(
        IMultimodalModel model, ExplainInstance instance, IndexedText text, PreparedReference reference, ExplainOptions options, int[] labels,
        InstanceDecomposition decomposition, ExplanationRun run, CancellationToken cancellationToken)
    {
        var random = new Xoshiro256StarStar(options.Seed, TextStream);
        var rows = run.Timed(ExplanationRun.SamplingPhase, () => RowSampler.Text(options.TextSamples, text.FeatureCount, random));
        var maskToken = options.TextPerturbation == TextPerturbation.MaskToken ? options.MaskToken : null;
        var instanceImage = new ImageList([instance.Image], [instance.ImageCacheKey]);

        var values = await PerturbationPasses.TextRowsAsync(
            model, text, rows, maskToken, reference.Reference, instanceImage, labels, options.RowsPerBatch, run.Clock,
            done => run.Report(ExplainPhases.Text, (double)done / rows.Count, run.ImageRows + done), cancellationToken).ConfigureAwait(false);

        var fits = run.Timed(ExplanationRun.FittingPhase, () => Fit(rows, values, decomposition.G1, decomposition.Mu, labels, options.TextFeatureSelection, options.TextFeatureCount, options));
        var info = new TextFeatureInfo(text.Mode, text.Features, text.Tokens, text.TokenFeature);
        return new TextExplanation(rows.Count, info, Explanations(model, labels, fits));
    }

    /// <summary>
    /// Targets per label: M = f, UC = (partial dependence of the perturbed modality) + (the fixed modality's partial
    /// dependence at the instance) - mu, MI = M - UC; fitted together, in the order M, UC, MI for each label.
    /// </summary>
    private static SurrogateFit[] Fit(
        FeatureRows rows, RowValues values, double[] fixedModalityMeans, double[] mu, int[] labels,
        FeatureSelection selection, int featureCount, ExplainOptions options)
    {
        var targets = new List<double[]>(labels.Length * 3);
        foreach (var (m, uc, mi) in Decompose(values, fixedModalityMeans, mu, labels))
        {
            targets.Add(m);
            targets.Add(uc);
            targets.Add(mi);
        }

        var weights = KernelWeights.Compute(rows, options.KernelWidth);
        return LimeFit.Fit(rows, weights, targets, new FitSettings(selection, featureCount, options.RidgeAlpha));
    }

    internal static IEnumerable<(double[] M, double[] UC, double[] MI)> Decompose(RowValues values, double[] fixedModalityMeans, double[] mu, int[] labels)
    {
        for (var l = 0; l < labels.Length; l++)
        {
            var c = labels[l];
            var m = new double[values.Rows];
            var uc = new double[values.Rows];
            var mi = new double[values.Rows];
            for (var s = 0; s < values.Rows; s++)
            {
                m[s] = values.Output[(s * values.Labels) + l];
                uc[s] = values.PartialDependence[(s * values.Labels) + l] + fixedModalityMeans[c] - mu[c];
                mi[s] = m[s] - uc[s];
            }

            yield return (m, uc, mi);
        }
    }

    private static LabelExplanation[] Explanations(IMultimodalModel model, int[] labels, SurrogateFit[] fits) =>
        labels.Select((c, l) => new LabelExplanation(c, model.Labels[c], fits[3 * l], fits[(3 * l) + 1], fits[(3 * l) + 2])).ToArray();

    /// <summary>Progress and timing of one explanation.</summary>
    private sealed class ExplanationRun(IProgress<ExplainProgress>? progress, ExplainOptions options)
    {
        public const string InstancePhase = "instance";
        public const string SegmentationPhase = "segmentation";
        public const string SamplingPhase = "sampling";
        public const string PerturbationPhase = "perturbation";
        public const string FittingPhase = "fitting";

        private readonly Dictionary<string, TimeSpan> _phases = [];

        public PassClock Clock { get; } = new();

        public int ImageRows { get; } = options.Modalities.HasFlag(Modalities.Image) ? options.ImageSamples : 0;

        public int TotalRows => ImageRows + (options.Modalities.HasFlag(Modalities.Text) ? options.TextSamples : 0);

        public void Report(string phase, double phaseFraction, int rowsDone) =>
            progress?.Report(new ExplainProgress(phase, phaseFraction, TotalRows == 0 ? 1 : (double)rowsDone / TotalRows));

        public T Timed<T>(string phase, Func<T> work)
        {
            var started = Stopwatch.GetTimestamp();
            var result = work();
            Add(phase, Stopwatch.GetElapsedTime(started));
            return result;
        }

        public async Task<T> TimedAsync<T>(string phase, Func<Task<T>> work)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await work().ConfigureAwait(false);
            Add(phase, Stopwatch.GetElapsedTime(started));
            return result;
        }

        public PhaseTimings Timings(TimeSpan total)
        {
            double Ms(string name) => _phases.GetValueOrDefault(name).TotalMilliseconds;
            return new PhaseTimings(
                Ms(InstancePhase), Ms(SegmentationPhase), Ms(SamplingPhase), Ms(PerturbationPhase), Clock.Render.TotalMilliseconds,
                Clock.Model.TotalMilliseconds, Clock.Bookkeeping.TotalMilliseconds, Ms(FittingPhase), total.TotalMilliseconds);
        }

        private void Add(string phase, TimeSpan elapsed) => _phases[phase] = _phases.GetValueOrDefault(phase) + elapsed;
    }
}
