using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;
using Dime.Engine.Models;
using Dime.Engine.Quality;
using Dime.Engine.Sampling;

namespace Dime.Daemon.Explaining;

/// <summary>
/// The explanation pipeline as the daemon runs it, for JSON-RPC and the command line alike:
/// locate the sample and hash its file -> answer from the cache, or: decode it -> get the prepared reference set ->
/// evaluate the instance (the prediction) -> choose the labels -> run the engine -> map the result -> store its JSON.
/// Overlays and the report are drawn only when a result is exported (<see cref="ResultExporter"/>).
/// </summary>
internal sealed class ExplanationService(DatasetRegistry datasets, ReferenceCache references, ResultStore store, Log log, ComputeSlots? slots = null)
{
    public static readonly JsonSerializerOptions Json = Protocol.Json.Options;

    /// <summary>The most labels one explanation covers; "all" on a larger model explains the top ones instead.</summary>
    public const int MaxAllLabels = 64;

    public async Task<(ResolvedSample Sample, Prediction Prediction, float[] Logits)> PredictAsync(ModelEntry model, SampleRef sampleRef, int top, CancellationToken cancellationToken)
    {
        var sample = await SampleResolver.ResolveAsync(sampleRef, datasets, cancellationToken).ConfigureAwait(false);
        var (prediction, logits) = await PredictAsync(model, sample, top, cancellationToken).ConfigureAwait(false);
        return (sample, prediction, logits);
    }

    public static async Task<(Prediction Prediction, float[] Logits)> PredictAsync(ModelEntry model, ResolvedSample sample, int top, CancellationToken cancellationToken)
    {
        var grid = await model.Loaded.Model.EvaluateGridAsync(new ImageList([sample.Image]), [sample.Info.Question], cancellationToken).ConfigureAwait(false);
        var logits = grid.Values;
        CheckFinite([.. logits.Select(v => (double)v)], model);
        return (ResultMapper.Predict(model.Loaded.Labels, [.. logits.Select(v => (double)v)], top), logits);
    }

    public Task<ExplanationResult> ExplainAsync(ModelEntry model, SampleRef sampleRef, ExplainOptionsDto? options, IProgress<ProgressValue>? progress, CancellationToken cancellationToken) =>
        ExplainAsync(model, sampleRef, options, writeArtifacts: true, progress, cancellationToken);

    /// <summary>
    /// Without <paramref name="writeArtifacts"/> no cache entry is written (a cached result is still used): the caller
    /// stores the result itself, as explain-dataset does.
    /// The result id is made from the request, the model's and reference dataset's hashes and the image file's hash
    /// before anything is decoded or run, so a cache hit costs a file hash and a verified read: no decode, no inference.
    /// </summary>
    public async Task<ExplanationResult> ExplainAsync(ModelEntry model, SampleRef sampleRef, ExplainOptionsDto? options, bool writeArtifacts, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        options ??= new ExplainOptionsDto();
        var labels = model.Loaded.Labels;
        var requested = options.Resolve(model.Loaded.Tokenizer.MaskToken); // every value checked, before any work
        if (LabelSelection.Resolve(options.Labels, labels, () => []).Indices is { Count: > MaxAllLabels } named)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'options.labels' names {named.Count} labels; at most {MaxAllLabels} are explained at once.", "options.labels");
        }

        var sample = await SampleResolver.LocateAsync(sampleRef, datasets, cancellationToken).ConfigureAwait(false);
        var referenceDataset = ReferenceDataset(options, sample.Dataset, model);
        var referenceSize = Math.Min(options.ReferenceSizeOrDefault, referenceDataset.Samples.Count);
        // The labels as requested (their spelling too: its warnings are part of the result): "top" is the same labels
        // for the same model, image and question. The hide colour "median" is the image's, so the image's hash covers it.
        var resultId = ResultStore.IdOf(
            Versions.Current.Daemon, model.Loaded.ContentHash, sample.FileHash, sample.Question, sample.Answer ?? string.Empty,
            referenceDataset.ContentHash, referenceDataset.Path, $"{referenceSize}/{options.ReferenceSeedOrDefault}/{options.StratifiedOrDefault}",
            JsonSerializer.Serialize(requested with { PartialResults = false }, Json), options.UsesMedianColor ? "median" : "given",
            JsonSerializer.Serialize(options.Quality, Json), JsonSerializer.Serialize(options.Labels, Json));
        if (store.TryLoad(resultId) is { } cached)
        {
            var servedMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
            log.Info($"explain {sample.Id} with {model.Loaded.Name}: answered from the cache in {servedMs:0} ms ({resultId})");
            progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
            return cached with { Timings = new Dictionary<string, double>(cached.Timings) { [ServedTiming] = servedMs } };
        }

        var decoded = await SampleResolver.DecodeAsync(sample, cancellationToken).ConfigureAwait(false);
        var engineOptions = options.ForImage(requested, decoded.Image);
        var settings = ResultMapper.Settings(engineOptions, options, referenceSize, referenceDataset.Path);
        var run = new ExplainRun(
            model, decoded, referenceDataset, referenceSize, options.ReferenceSeedOrDefault, options.StratifiedOrDefault,
            engineOptions, options.Quality, options.Labels, settings, [], prediction => ChooseLabels(options.Labels, labels, decoded.Info.Answer, prediction));
        return await RunAsync(run, resultId, writeArtifacts, reproducing: null, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>In the timings of a result answered from the cache: the milliseconds it took (the other entries are the computation's).</summary>
    public const string ServedTiming = "served";

    /// <summary>The labels a request explains, once the prediction is known ("top" and a large "all" depend on it).</summary>
    private LabelChoice ChooseLabels(System.Text.Json.JsonElement? requested, IReadOnlyList<string> labels, string? answer, Prediction prediction)
    {
        var choice = LabelSelection.Resolve(requested, labels, () => TopLabels(prediction, labels, answer));
        List<string> warnings = [.. choice.Warnings];
        foreach (var warning in choice.Warnings)
        {
            log.Warning(warning);
        }

        var indices = choice.Indices;
        if (indices is null && labels.Count > MaxAllLabels)
        {
            // "all" on a model with thousands of answers would make a reply of hundreds of megabytes
            indices = TopLabels(prediction, labels, answer);
            warnings.Add($"The model has {labels.Count} labels; \"all\" explains at most {MaxAllLabels}, so the top {indices.Count} were explained. Name the labels to explain others.");
        }

        return new LabelChoice(indices, warnings);
    }

    /// <summary>
    /// Runs a resolved explanation under <paramref name="resultId"/> and stores it (unless reproducing, or told not
    /// to write). The instance is evaluated once: its logits are the prediction (which chooses the labels) and the
    /// engine's f at the instance. A reproduction (<paramref name="reproducing"/> checks the freshly drawn reference
    /// set) bypasses the reference cache and stores nothing.
    /// </summary>
    public async Task<ExplanationResult> RunAsync(ExplainRun run, string resultId, bool writeArtifacts, Action<ReferenceEntry>? reproducing, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (model, sample, referenceDataset) = (run.Model, run.Sample, run.ReferenceDataset);

        using var slot = slots is null ? null : await slots.EnterAsync(progress, cancellationToken).ConfigureAwait(false);
        var callsBefore = model.Loaded.GraphCalls;
        var runsBefore = model.Loaded.SessionRuns;
        var referenceStarted = Stopwatch.GetTimestamp();
        var reference = await references.GetAsync(model, referenceDataset, run.ReferenceSize, run.ReferenceSeed, run.Stratified, fresh: reproducing is not null, Scale(progress, 0, 0.1), cancellationToken).ConfigureAwait(false);
        reproducing?.Invoke(reference);
        var prepared = reference.Prepared;
        var referenceMs = Stopwatch.GetElapsedTime(referenceStarted).TotalMilliseconds;

        var instance = new ExplainInstance(sample.Image, sample.Info.Question, sample.Info.DatasetId is { } d ? $"{d}#{sample.Info.Index}:{sample.ImageHash}" : "img:" + sample.ImageHash);
        var evaluated = await DimeExplainer.EvaluateInstanceAsync(model.Loaded.Model, instance, prepared, cancellationToken).ConfigureAwait(false);
        CheckFinite(evaluated.Values.F, model);
        var prediction = ResultMapper.Predict(model.Loaded.Labels, evaluated.Values.F, ResultMapper.TopAnswers);
        var engineOptions = run.Options;
        IReadOnlyList<string> warnings = run.Warnings;
        if (run.ChooseLabels?.Invoke(prediction) is { } choice)
        {
            engineOptions = engineOptions with { Labels = choice.Indices };
            warnings = [.. warnings, .. choice.Warnings];
        }

        var quality = run.Quality;
        var wantsQuality = (quality?.StabilityRuns ?? 0) >= 2 || quality?.Curves == true;
        var partialLabels = TopLabels(prediction, model.Loaded.Labels, sample.Info.Answer).Where(l => engineOptions.Labels is null || engineOptions.Labels.Contains(l)).ToHashSet();
        var explanation = await DimeExplainer.ExplainAsync(model.Loaded.Model, instance, prepared, engineOptions, evaluated, Scale(progress, 0.1, wantsQuality ? 0.7 : 0.98, partialLabels, prediction.Label), cancellationToken).ConfigureAwait(false);
        var qualityNode = wantsQuality ? await QualityAsync(model, instance, prepared, engineOptions, explanation, prediction.Label, quality!, Scale(progress, 0.7, 0.98), cancellationToken).ConfigureAwait(false) : null;

        var storingStarted = Stopwatch.GetTimestamp();
        var computed = new ExplanationResult(
            resultId,
            Cached: false,
            Model: ModelInfo.Of(model),
            Device: DeviceInfoDto.Of(model.Loaded.Device),
            Sample: sample.Info,
            Labels: model.Loaded.Labels,
            Prediction: prediction,
            Values: ResultMapper.Values(explanation.Instance, engineOptions.Labels),
            Image: ResultMapper.Image(explanation.Image),
            Text: ResultMapper.Text(explanation.Text, word => model.Loaded.Tokenize(word).Words.Any(w => w.Unknown)),
            Quality: qualityNode,
            Settings: run.Settings,
            Timings: TimingsSoFar(explanation.Timings, referenceMs, started),
            Artifacts: null,
            Provenance: ProvenanceOf(run with { Options = engineOptions }, reference, JsonSerializer.SerializeToNode(engineOptions, Json)!.AsObject()),
            Warnings: warnings.Count > 0 ? warnings : null);
        if (reproducing is not null)
        {
            progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
            return computed;
        }

        ExplanationResult Complete(Artifacts? artifacts)
        {
            var timings = ResultMapper.Timings(explanation.Timings, referenceMs, Stopwatch.GetElapsedTime(storingStarted).TotalMilliseconds)
                .ToDictionary(t => t.Key, t => t.Value);
            timings["total"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
            timings[SessionRunsTiming] = model.Loaded.SessionRuns - runsBefore;
            foreach (var (name, count) in ResultMapper.GraphCalls(callsBefore, model.Loaded.GraphCalls))
            {
                timings[name] = count;
            }

            return computed with { Artifacts = artifacts, Timings = timings };
        }

        // The entry holds result.json only: the overlays and the report are drawn when the result is exported.
        var result = writeArtifacts
            ? store.Commit(resultId, final => ArtifactWriter.Describe(computed, final), Complete)
            : Complete(null);
        progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
        log.Info($"explain {sample.Info.Id} with {model.Loaded.Name}: {result.Timings["total"]:0} ms ({resultId})");
        return result;
    }

    /// <summary>
    /// In a computed result's timings: the ONNX Runtime session runs it made, every graph together (a count, like
    /// runs.GRAPH; explanations at once on one model add up).
    /// </summary>
    public const string SessionRunsTiming = "runs.all";

    private static Provenance ProvenanceOf(ExplainRun run, ReferenceEntry reference, JsonObject options)
    {
        var sample = run.Sample;
        var dataset = sample.Dataset;
        var referenceDataset = run.ReferenceDataset;
        var lines = reference.Samples.Select(s => s.Line).ToList();
        return new Provenance(
            Provenance.CurrentVersion,
            ProvenanceEnvironment.Of(run.Model.Loaded.Device),
            new ProvenanceModel(run.Model.Loaded.ManifestPath, run.Model.Loaded.ContentHash),
            new ProvenanceSample(
                dataset?.Path, dataset?.Format, dataset?.ContentHash, sample.Info.Index, sample.Info.Line, sample.Info.Id,
                sample.Info.ImagePath, sample.FileHash, sample.Info.Question, sample.Info.Answer),
            new ProvenanceReference(
                referenceDataset.Path, referenceDataset.Format, referenceDataset.ContentHash, run.ReferenceSize, run.ReferenceSeed, run.Stratified,
                [.. reference.Samples.Select(s => s.Id)], lines.All(l => l is not null) ? [.. lines.Select(l => l!.Value)] : null, reference.ImagesHash),
            new ProvenanceLabels(run.LabelsRequested, run.Options.Labels),
            new ProvenanceRandom(
                RandomStreams.Algorithm, run.Options.Seed, run.ReferenceSeed,
                new Dictionary<string, ulong>
                {
                    ["image"] = RandomStreams.Image, ["text"] = RandomStreams.Text, ["reference"] = RandomStreams.Reference,
                    ["imagePartners"] = RandomStreams.ImagePartners, ["textPartners"] = RandomStreams.TextPartners,
                    ["imageBootstrap"] = RandomStreams.ImageBootstrap, ["textBootstrap"] = RandomStreams.TextBootstrap,
                }),
            options,
            run.Quality);
    }

    /// <summary>The timings the report can show: every phase but writing the report itself, and the total so far.</summary>
    private static Dictionary<string, double> TimingsSoFar(PhaseTimings? phases, double referenceMs, long started)
    {
        var timings = ResultMapper.Timings(phases, referenceMs, 0).Where(t => t.Key != "artifacts").ToDictionary(t => t.Key, t => t.Value);
        timings["total"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        return timings;
    }

    private static async Task<QualityResult> QualityAsync(
        ModelEntry model, ExplainInstance instance, Engine.Disentanglement.PreparedReference prepared, ExplainOptions options, DimeExplanation explanation,
        int label, QualityDto quality, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        StabilityReport? stability = null;
        if (quality.StabilityRuns is >= 2 and var runs)
        {
            stability = await StabilityAnalysis.RunAsync(model.Loaded.Model, instance, prepared, options with { Labels = [label] }, runs, topK: 5, progress, cancellationToken).ConfigureAwait(false);
        }

        List<CurveReport>? curves = null;
        if (quality.Curves == true)
        {
            curves = [];
            foreach (var modality in new[] { Modalities.Image, Modalities.Text }.Where(m => options.Modalities.HasFlag(m)))
            {
                foreach (var part in new[] { ExplanationPart.M, ExplanationPart.UC, ExplanationPart.MI })
                {
                    var report = await DeletionInsertion.RunAsync(model.Loaded.Model, instance, prepared, explanation, modality, label, part, maxSteps: 20, cancellationToken).ConfigureAwait(false);
                    curves.Add(report);
                }
            }
        }

        return new QualityResult(stability, curves);
    }

    private Dataset ReferenceDataset(ExplainOptionsDto options, Dataset? sampleDataset, ModelEntry model)
    {
        if (options.ReferenceDatasetId is { } id)
        {
            return datasets.Get(id);
        }

        if (sampleDataset is { } own)
        {
            return own;
        }

        if (model.Loaded.ReferenceDatasetPath is { } path)
        {
            return datasets.Open(path);
        }

        throw new DaemonException(
            ErrorCode.InvalidArgument,
            "DIME needs a reference dataset to average over: open a dataset and pass its id as 'options.referenceDatasetId', or name one in the model's manifest ('referenceDataset').",
            "options.referenceDatasetId");
    }

    /// <summary>The labels explained by default: the prediction, the ground truth (when known) and the next three by logit.</summary>
    internal static IReadOnlyList<int> TopLabels(Prediction prediction, IReadOnlyList<string> labels, string? answer)
    {
        const int Next = 3;
        var byLogit = prediction.Top.Select(a => a.Index).ToList();
        var top = new List<int> { byLogit[0] };
        if (answer is not null && labels.ToList().IndexOf(answer) is var truth && truth >= 0 && truth != byLogit[0])
        {
            top.Add(truth);
        }

        top.AddRange(byLogit.Skip(1).Where(i => !top.Contains(i)).Take(Next));
        return top;
    }

    private static void CheckFinite(IReadOnlyList<double> logits, ModelEntry model)
    {
        if (logits.Any(v => !double.IsFinite(v)))
        {
            throw new DaemonException(ErrorCode.ModelOutputInvalid, $"The model '{model.Loaded.Name}' returned NaN or infinite logits.", model.Loaded.ManifestPath);
        }
    }

    /// <summary>Maps the engine's overall fraction into [from, to] of the request's progress.</summary>
    /// <summary>Partial fits go on with the surrogates of <paramref name="partialLabels"/> only, which keeps each notification small.</summary>
    private static IProgress<ExplainProgress>? Scale(IProgress<ProgressValue>? progress, double from, double to, IReadOnlyCollection<int>? partialLabels = null, int predicted = -1) =>
        progress is null ? null : new ScaledProgress(progress, from, to, partialLabels ?? [], predicted);

    private sealed class ScaledProgress(IProgress<ProgressValue> target, double from, double to, IReadOnlyCollection<int> partialLabels, int predicted) : IProgress<ExplainProgress>
    {
        private readonly HashSet<Modalities> _described = [];

        public void Report(ExplainProgress value) =>
            target.Report(new ProgressValue(
                value.Phase,
                from + ((to - from) * Math.Clamp(value.OverallFraction, 0, 1)),
                Partial: value.Partial is { } partial ? ResultMapper.Partial(partial, partialLabels, predicted, _described.Add(partial.Modality)) : null));
    }
}
