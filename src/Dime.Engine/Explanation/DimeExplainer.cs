using System.Diagnostics;
using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Fitting;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;
using Dime.Engine.Quality;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;

namespace Dime.Engine.Explanation;

/// <summary>
/// DIME (Lyu et al., AIES 2022): split the model's logits into unimodal contributions UC = g1(a) + g2(b) - mu and
/// multimodal interactions MI = f - UC over a reference set R, then explain f, UC and MI with one LIME run per modality:
///   segment the image -> sample rows (and each row's reference partners: all N, or k of them) -> perturb ->
///   infer in chunks -> disentangle -> fit (also at checkpoints, for partial results) -> bootstrap stability.
/// </summary>
public static class DimeExplainer
{
    internal const ulong ImageStream = RandomStreams.Image;
    internal const ulong TextStream = RandomStreams.Text;
    internal const ulong ImagePartnerStream = RandomStreams.ImagePartners;
    internal const ulong TextPartnerStream = RandomStreams.TextPartners;
    internal const ulong ImageBootstrapStream = RandomStreams.ImageBootstrap;
    internal const ulong TextBootstrapStream = RandomStreams.TextBootstrap;
    internal const int LimeSeedBound = 1000;

    /// <summary>The most image segments explained: each is a feature of every fit, and fitting grows with its cube.</summary>
    public const int MaxImageSegments = 2000;

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
            throw new DimeException(ErrorKind.TextInvalid, "The text has no words to explain.", "text");
        }

        var run = new ExplanationRun(progress, options);
        var total = run.Started;

        var (decomposition, withPartnerTexts, withPartnerImages) = await run.TimedAsync(
            ExplanationRun.InstancePhase, () => DecomposeInstanceAsync(model, instance, reference, run.Clock, cancellationToken)).ConfigureAwait(false);
        run.Report(ExplainPhases.Instance, 1, 0);

        ImageExplanation? image = null;
        if (options.Modalities.HasFlag(Modalities.Image))
        {
            var control = new PartnerControl(withPartnerTexts, decomposition.G1, model.Labels.Count);
            image = await ExplainImageAsync(model, instance, reference, options, labels, decomposition, control, run, cancellationToken).ConfigureAwait(false);
        }

        TextExplanation? textExplanation = null;
        if (options.Modalities.HasFlag(Modalities.Text))
        {
            var control = new PartnerControl(withPartnerImages, decomposition.G2, model.Labels.Count);
            textExplanation = await ExplainTextAsync(model, instance, text, reference, options, labels, decomposition, control, run, cancellationToken).ConfigureAwait(false);
        }

        run.Report(ExplainPhases.Done, 1, run.TotalRows);
        var timings = run.Timings(Stopwatch.GetElapsedTime(total));
        return new DimeExplanation(options.Seed, model.Labels.ToArray(), labels, decomposition, image, textExplanation, reference.Count, options, timings);
    }

    /// <summary>
    /// f(a*, b*), g1(a*) over R's texts, g2(b*) over R's images, for every label: two model calls, 2N + 1 pairs. Also
    /// the terms of g1(a*) and g2(b*), f(a*, b_j) and f(a_i, b*), laid out [partner * labels + label]: the subsampled
    /// estimators' control variates.
    /// </summary>
    private static async Task<(InstanceDecomposition Values, double[] WithPartnerTexts, double[] WithPartnerImages)> DecomposeInstanceAsync(
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
        var withPartnerTexts = new double[r.Count * l];
        var withPartnerImages = new double[r.Count * l];
        for (var j = 0; j < r.Count; j++)
        {
            for (var c = 0; c < l; c++)
            {
                withPartnerTexts[(j * l) + c] = withTexts[0, j, c];
                withPartnerImages[(j * l) + c] = withImages[j, 0, c];
            }
        }

        return (new InstanceDecomposition(f, g1, g2, mu, uc, mi), withPartnerTexts, withPartnerImages);
    }

    private static async Task<ImageExplanation> ExplainImageAsync(
        IMultimodalModel model, ExplainInstance instance, PreparedReference reference, ExplainOptions options, int[] labels,
        InstanceDecomposition decomposition, PartnerControl control, ExplanationRun run, CancellationToken cancellationToken)
    {
        var random = new Xoshiro256StarStar(options.Seed, ImageStream);
        var drawnSeed = random.NextInt(LimeSeedBound);
        run.Report(ExplainPhases.Segmentation, 0, 0);
        var segmentation = await run.TimedAsync(ExplanationRun.SegmentationPhase, () => Abandonable(() => Segmenter.Segment(instance.Image, options.Segmentation, drawnSeed), cancellationToken)).ConfigureAwait(false);
        if (segmentation.Count > MaxImageSegments)
        {
            throw new DimeException(
                ErrorKind.InvalidArgument,
                $"The segmentation made {segmentation.Count} segments of the {instance.Image.Width}x{instance.Image.Height} image; at most {MaxImageSegments} are explained. Use fewer segments (a larger kernelSize or maxDist, SLIC, or a grid).",
                "options.segmentation");
        }

        var rows = run.Timed(ExplanationRun.SamplingPhase, () => RowSampler.Image(options.ImageSamples, segmentation.Count, random));
        var partners = run.Timed(ExplanationRun.SamplingPhase, () => Partners(reference, options, rows.Count, ImagePartnerStream, control));
        var hiding = await run.TimedAsync(ExplanationRun.PerturbationPhase, () => Abandonable(() => new ImageHiding(instance.Image, segmentation, options.HideMode, options.HideColor, options.BlurSigma), cancellationToken)).ConfigureAwait(false);
        var info = new SegmentationInfo(segmentation.Width, segmentation.Height, segmentation.Count, segmentation.LabelMap, segmentation.Parameters);

        var sampled = await SampleAndFitAsync(
            Modalities.Image, rows, partners,
            (from, to, values) => PerturbationPasses.ImageRowsAsync(
                model, hiding, rows, from, to, partners, reference.Reference, instance.Text, labels, options.RowsPerBatch, values, run.Clock,
                done => run.Report(ExplainPhases.Image, (double)done / rows.Count, done), cancellationToken),
            decomposition.G2, decomposition.Mu, model, labels, options.ImageFeatureSelection, options.ImageFeatureCount, options, run, ImageBootstrapStream,
            partial => partial with { Segmentation = info }, cancellationToken).ConfigureAwait(false);
        return new ImageExplanation(sampled.Sampling.Rows, info, sampled.Labels) { Sampling = sampled.Sampling, Bootstrap = sampled.Bootstrap };
    }

    private static async Task<TextExplanation> ExplainTextAsync(
        IMultimodalModel model, ExplainInstance instance, IndexedText text, PreparedReference reference, ExplainOptions options, int[] labels,
        InstanceDecomposition decomposition, PartnerControl control, ExplanationRun run, CancellationToken cancellationToken)
    {
        var random = new Xoshiro256StarStar(options.Seed, TextStream);
        var rows = run.Timed(ExplanationRun.SamplingPhase, () => RowSampler.Text(options.TextSamples, text.FeatureCount, random));
        var partners = run.Timed(ExplanationRun.SamplingPhase, () => Partners(reference, options, rows.Count, TextPartnerStream, control));
        var maskToken = options.TextPerturbation == TextPerturbation.MaskToken ? options.MaskToken : null;
        var instanceImage = new ImageList([instance.Image], [instance.ImageCacheKey]);
        var info = new TextFeatureInfo(text.Mode, text.Features, text.Tokens, text.TokenFeature);

        var sampled = await SampleAndFitAsync(
            Modalities.Text, rows, partners,
            (from, to, values) => PerturbationPasses.TextRowsAsync(
                model, text, rows, from, to, maskToken, partners, reference.Reference, instanceImage, labels, options.RowsPerBatch, values, run.Clock,
                done => run.Report(ExplainPhases.Text, (double)done / rows.Count, run.ImageRows + done), cancellationToken),
            decomposition.G1, decomposition.Mu, model, labels, options.TextFeatureSelection, options.TextFeatureCount, options, run, TextBootstrapStream,
            partial => partial with { Features = info }, cancellationToken).ConfigureAwait(false);
        return new TextExplanation(sampled.Sampling.Rows, info, sampled.Labels) { Sampling = sampled.Sampling, Bootstrap = sampled.Bootstrap };
    }

    private static PartnerPlan Partners(PreparedReference reference, ExplainOptions options, int rows, ulong stream, PartnerControl control) =>
        PartnerPlan.Create(
            reference.Count, options.Partners, options.PartnerEstimator, reference.Reference.Answers, options.StratifiedPartners, rows,
            new Xoshiro256StarStar(options.Seed, stream)) with { Control = control };

    /// <summary>Evaluates rows [from, to) into the values.</summary>
    private delegate Task RowPasses(int from, int to, RowValues values);

    private sealed record SampledFit(LabelExplanation[] Labels, RowSampling Sampling, BootstrapReport? Bootstrap);

    /// <summary>
    /// Runs the rows up to each checkpoint of <see cref="AnytimeSchedule"/>, fitting and reporting the rows so far at
    /// each one (and stopping once stable when asked to), then makes the final fit and its bootstrap stability.
    /// </summary>
    private static async Task<SampledFit> SampleAndFitAsync(
        Modalities modality, FeatureRows rows, PartnerPlan partners, RowPasses passes, double[] fixedModalityMeans, double[] mu, IMultimodalModel model,
        int[] labels, FeatureSelection selection, int featureCount, ExplainOptions options, ExplanationRun run, ulong bootstrapStream,
        Func<PartialExplanation, PartialExplanation> describe, CancellationToken cancellationToken)
    {
        var settings = new FitSettings(selection, featureCount, options.RidgeAlpha);
        var values = new RowValues(rows.Count, labels.Length);
        var pairPasses = run.Clock.PairPasses;
        var done = 0;
        SurrogateFit[]? previous = null;
        Convergence? convergence = null;
        var stoppedEarly = false;
        foreach (var checkpoint in AnytimeSchedule.Checkpoints(rows.Count, options.PartialResults || options.UntilStable))
        {
            await passes(done, checkpoint, values).ConfigureAwait(false);
            done = checkpoint;
            if (done == rows.Count)
            {
                break;
            }

            var partial = run.Timed(ExplanationRun.FittingPhase, () => Fit(rows.Take(done), values.Take(done), fixedModalityMeans, mu, labels, settings, options).Fits);
            convergence = previous is null ? null : Convergence.Between(previous, partial, options.StabilityTopK);
            run.FirstPartialMs ??= run.ElapsedMs;
            run.ReportPartial(describe(new PartialExplanation(modality, done, rows.Count, Explanations(model, labels, partial), convergence)));
            previous = partial;
            if (options.UntilStable && convergence is { IsStable: true })
            {
                stoppedEarly = true;
                break;
            }
        }

        var used = rows.Take(done);
        run.Report(ExplainPhases.Fitting, 0, modality == Modalities.Image ? done : run.ImageRows + done);
        var (fits, weights, targets) = await run.TimedAsync(ExplanationRun.FittingPhase, () => Abandonable(() => Fit(used, values.Take(done), fixedModalityMeans, mu, labels, settings, options), cancellationToken)).ConfigureAwait(false);
        BootstrapReport? bootstrap = null;
        if (options.BootstrapResamples > 0)
        {
            var (parts, ms) = run.Timed(ExplanationRun.FittingPhase, () => BootstrapStability.Run(
                used, weights, targets, settings, fits, options.BootstrapResamples, options.StabilityTopK, new Xoshiro256StarStar(options.Seed, bootstrapStream)));
            run.BootstrapMs += ms;
            var perLabel = labels.Select((c, l) => new LabelStability(c, model.Labels[c], parts[3 * l], parts[(3 * l) + 1], parts[(3 * l) + 2])).ToArray();
            bootstrap = new BootstrapReport(options.BootstrapResamples, options.StabilityTopK, options.Seed, perLabel);
        }

        var sampling = new RowSampling(
            rows.Count, done, stoppedEarly, convergence, partners.IsExact ? null : partners.Estimator, partners.Partners, partners.ReferenceSize,
            run.Clock.PairPasses - pairPasses);
        return new SampledFit(Explanations(model, labels, fits), sampling, bootstrap);
    }

    /// <summary>
    /// Runs a step that has no cancellation points of its own (segmentation, hiding masks, fitting) on the thread pool
    /// and stops waiting for it when cancelled: the request is answered at once; the step's bounded work (segments and
    /// pixels are capped before it starts) ends by itself and its result is dropped.
    /// </summary>
    private static Task<T> Abandonable<T>(Func<T> step, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(step, CancellationToken.None).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Targets per label: M = f, UC = (partial dependence of the perturbed modality) + (the fixed modality's partial
    /// dependence at the instance) - mu, MI = M - UC; fitted together, in the order M, UC, MI for each label.
    /// </summary>
    private static (SurrogateFit[] Fits, double[] KernelWeights, List<double[]> Targets) Fit(
        FeatureRows rows, RowValues values, double[] fixedModalityMeans, double[] mu, int[] labels, FitSettings settings, ExplainOptions options)
    {
        var targets = new List<double[]>(labels.Length * 3);
        foreach (var (m, uc, mi) in Decompose(values, fixedModalityMeans, mu, labels))
        {
            targets.Add(m);
            targets.Add(uc);
            targets.Add(mi);
        }

        var weights = KernelWeights.Compute(rows, options.KernelWidth);
        return (LimeFit.Fit(rows, weights, targets, settings), weights, targets);
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

        public long Started { get; } = Stopwatch.GetTimestamp();

        public double ElapsedMs => Stopwatch.GetElapsedTime(Started).TotalMilliseconds;

        public double? FirstPartialMs { get; set; }

        public double BootstrapMs { get; set; }

        public PassClock Clock { get; } = new();

        public int ImageRows { get; } = options.Modalities.HasFlag(Modalities.Image) ? options.ImageSamples : 0;

        public int TotalRows => ImageRows + (options.Modalities.HasFlag(Modalities.Text) ? options.TextSamples : 0);

        public void Report(string phase, double phaseFraction, int rowsDone) =>
            progress?.Report(new ExplainProgress(phase, phaseFraction, TotalRows == 0 ? 1 : (double)rowsDone / TotalRows));

        /// <summary>A partial fit, reported with the progress of the rows it fitted.</summary>
        public void ReportPartial(PartialExplanation partial)
        {
            var rowsDone = partial.Modality == Modalities.Text ? ImageRows + partial.Rows : partial.Rows;
            var phase = partial.Modality == Modalities.Text ? ExplainPhases.Text : ExplainPhases.Image;
            progress?.Report(new ExplainProgress(phase, (double)partial.Rows / partial.PlannedRows, TotalRows == 0 ? 1 : (double)rowsDone / TotalRows, partial));
        }

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
                Clock.Model.TotalMilliseconds, Clock.Bookkeeping.TotalMilliseconds, Ms(FittingPhase), total.TotalMilliseconds)
            {
                BootstrapMs = BootstrapMs,
                FirstPartialMs = FirstPartialMs,
            };
        }

        private void Add(string phase, TimeSpan elapsed) => _phases[phase] = _phases.GetValueOrDefault(phase) + elapsed;
    }
}
