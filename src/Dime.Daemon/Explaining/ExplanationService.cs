using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Hosting;
using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;
using Dime.Daemon.Requests;
using Dime.Daemon.Workspace;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Models;
using Dime.Engine.Quality;
using Dime.Engine.Sampling;

namespace Dime.Daemon.Explaining;

/// <summary>What a long request reports while it runs: the phase and the overall fraction done.</summary>
internal sealed record ProgressValue(string Phase, double Fraction, string? Message = null, PartialResult? Partial = null);

/// <summary>
/// The explanation pipeline as the daemon runs it, for JSON-RPC and the command line alike:
/// resolve the sample -> get the prepared reference set -> answer from the cache or run the engine ->
/// map the result -> write the overlays, the report and the JSON.
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
        CheckFinite(logits, model);
        return (ResultMapper.Predict(model.Loaded.Labels, [.. logits.Select(v => (double)v)], top), logits);
    }

    public Task<ExplanationResult> ExplainAsync(ModelEntry model, SampleRef sampleRef, ExplainOptionsDto? options, IProgress<ProgressValue>? progress, CancellationToken cancellationToken) =>
        ExplainAsync(model, sampleRef, options, writeArtifacts: true, progress, cancellationToken);

    /// <summary>
    /// Without <paramref name="writeArtifacts"/> no overlay, report or cache entry is written (a cached result is still
    /// used): the caller stores the result itself, as explain-dataset does.
    /// </summary>
    public async Task<ExplanationResult> ExplainAsync(ModelEntry model, SampleRef sampleRef, ExplainOptionsDto? options, bool writeArtifacts, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        options ??= new ExplainOptionsDto();
        var sample = await SampleResolver.ResolveAsync(sampleRef, datasets, cancellationToken).ConfigureAwait(false);
        var labels = model.Loaded.Labels;
        var referenceDataset = ReferenceDataset(options, sample, model);

        var (prediction, _) = await PredictAsync(model, sample, ResultMapper.TopAnswers, cancellationToken).ConfigureAwait(false);
        var labelChoice = LabelSelection.Resolve(options.Labels, labels, () => TopLabels(prediction, labels, sample.Info.Answer));
        var labelIndices = labelChoice.Indices;
        List<string> warnings = [.. labelChoice.Warnings];
        foreach (var warning in labelChoice.Warnings)
        {
            log.Warning(warning);
        }

        if (labelIndices is null && labels.Count > MaxAllLabels)
        {
            // "all" on a model with thousands of answers would make a reply of hundreds of megabytes
            labelIndices = TopLabels(prediction, labels, sample.Info.Answer);
            warnings.Add($"The model has {labels.Count} labels; \"all\" explains at most {MaxAllLabels}, so the top {labelIndices.Count} were explained. Name the labels to explain others.");
        }
        else if (labelIndices is { Count: > MaxAllLabels })
        {
            throw new DimeException(DimeErrorCode.InvalidArgument, $"'options.labels' names {labelIndices.Count} labels; at most {MaxAllLabels} are explained at once.", "options.labels");
        }

        var engineOptions = options.Resolve(labelIndices, model.Loaded.Tokenizer.MaskToken, sample.Image);
        var referenceSize = Math.Min(options.ReferenceSizeOrDefault, referenceDataset.Samples.Count);
        var settings = ResultMapper.Settings(engineOptions, options, referenceSize, referenceDataset.Path);
        var run = new ExplainRun(
            model, sample, referenceDataset, referenceSize, options.ReferenceSeedOrDefault, options.StratifiedOrDefault,
            engineOptions, options.Quality, options.Labels, settings, warnings);
        return await RunAsync(run, prediction, writeArtifacts, reproducing: null, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a resolved explanation. A normal run answers from the result cache when it can and stores what it computes;
    /// a reproduction (<paramref name="reproducing"/> checks the freshly drawn reference set) bypasses both caches and
    /// stores nothing.
    /// </summary>
    public async Task<ExplanationResult> RunAsync(ExplainRun run, Prediction prediction, bool writeArtifacts, Action<ReferenceEntry>? reproducing, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (model, sample, referenceDataset) = (run.Model, run.Sample, run.ReferenceDataset);
        var optionsJson = JsonSerializer.SerializeToNode(run.Options, Json)!.AsObject();
        // Partial results change what is sent while the rows arrive, never the result: they are no part of its key.
        var keyedOptions = JsonSerializer.Serialize(run.Options with { PartialResults = false }, Json);
        var resultId = ResultStore.IdOf(
            Versions.Current.Daemon, model.Loaded.ContentHash, sample.FileHash, sample.ImageHash, sample.Info.Question, sample.Info.Answer ?? string.Empty,
            referenceDataset.ContentHash, $"{run.ReferenceSize}/{run.ReferenceSeed}/{run.Stratified}", keyedOptions, run.Settings.ToJsonString(),
            JsonSerializer.Serialize(run.Quality, Json), JsonSerializer.Serialize(run.LabelsRequested, Json)); // the spelling too: its warnings are part of the result
        if (reproducing is null && store.TryLoad(resultId) is { } cached)
        {
            log.Info($"explain {sample.Info.Id} with {model.Loaded.Name}: answered from the cache ({resultId})");
            progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
            return cached;
        }

        using var slot = slots is null ? null : await slots.EnterAsync(progress, cancellationToken).ConfigureAwait(false);
        var callsBefore = model.Loaded.GraphCalls;
        var referenceStarted = Stopwatch.GetTimestamp();
        var reference = await references.GetAsync(model, referenceDataset, run.ReferenceSize, run.ReferenceSeed, run.Stratified, fresh: reproducing is not null, Scale(progress, 0, 0.1), cancellationToken).ConfigureAwait(false);
        reproducing?.Invoke(reference);
        var prepared = reference.Prepared;
        var referenceMs = Stopwatch.GetElapsedTime(referenceStarted).TotalMilliseconds;

        var engineOptions = run.Options;
        var instance = new ExplainInstance(sample.Image, sample.Info.Question, sample.Info.DatasetId is { } d ? $"{d}#{sample.Info.Index}:{sample.ImageHash}" : "img:" + sample.ImageHash);
        var quality = run.Quality;
        var wantsQuality = (quality?.StabilityRuns ?? 0) >= 2 || quality?.Curves == true;
        var partialLabels = TopLabels(prediction, model.Loaded.Labels, sample.Info.Answer).Where(l => engineOptions.Labels is null || engineOptions.Labels.Contains(l)).ToHashSet();
        var explanation = await DimeExplainer.ExplainAsync(model.Loaded.Model, instance, prepared, engineOptions, Scale(progress, 0.1, wantsQuality ? 0.7 : 0.98, partialLabels, prediction.Label), cancellationToken).ConfigureAwait(false);
        var qualityNode = wantsQuality ? await QualityAsync(model, instance, prepared, engineOptions, explanation, prediction.Label, quality!, Scale(progress, 0.7, 0.98), cancellationToken).ConfigureAwait(false) : null;

        var artifactsStarted = Stopwatch.GetTimestamp();
        var computed = new ExplanationResult(
            resultId,
            Cached: false,
            Model: ModelInfo.Of(model),
            Device: DeviceInfo.Of(model.Loaded.Device),
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
            Provenance: ProvenanceOf(run, reference, optionsJson),
            Warnings: run.Warnings.Count > 0 ? run.Warnings : null);
        if (reproducing is not null)
        {
            progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
            return computed;
        }

        ExplanationResult Complete(Artifacts? artifacts)
        {
            var timings = ResultMapper.Timings(explanation.Timings, referenceMs, Stopwatch.GetElapsedTime(artifactsStarted).TotalMilliseconds)
                .ToDictionary(t => t.Key, t => t.Value);
            timings["total"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
            foreach (var (name, count) in ResultMapper.GraphCalls(callsBefore, model.Loaded.GraphCalls))
            {
                timings[name] = count;
            }

            return computed with { Artifacts = artifacts, Timings = timings };
        }

        var result = writeArtifacts
            ? store.Commit(resultId, (staging, final) => ArtifactWriter.Write(staging, computed, sample.Image, final), Complete)
            : Complete(null);
        progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
        log.Info($"explain {sample.Info.Id} with {model.Loaded.Name}: {result.Timings["total"]:0} ms ({resultId})");
        return result;
    }

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

    private static async Task<JsonObject> QualityAsync(
        ModelEntry model, ExplainInstance instance, Engine.Disentanglement.PreparedReference prepared, ExplainOptions options, DimeExplanation explanation,
        int label, QualityDto quality, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        var node = new JsonObject();
        if (quality.StabilityRuns is >= 2 and var runs)
        {
            var stability = await StabilityAnalysis.RunAsync(model.Loaded.Model, instance, prepared, options with { Labels = [label] }, runs, topK: 5, progress, cancellationToken).ConfigureAwait(false);
            node["stability"] = JsonSerializer.SerializeToNode(stability, Json);
        }

        if (quality.Curves == true)
        {
            var curves = new JsonArray();
            foreach (var modality in new[] { Modalities.Image, Modalities.Text }.Where(m => options.Modalities.HasFlag(m)))
            {
                foreach (var part in new[] { ExplanationPart.M, ExplanationPart.UC, ExplanationPart.MI })
                {
                    var report = await DeletionInsertion.RunAsync(model.Loaded.Model, instance, prepared, explanation, modality, label, part, maxSteps: 20, cancellationToken).ConfigureAwait(false);
                    curves.Add(JsonSerializer.SerializeToNode(report, Json));
                }
            }

            node["curves"] = curves;
        }

        return node;
    }

    private Dataset ReferenceDataset(ExplainOptionsDto options, ResolvedSample sample, ModelEntry model)
    {
        if (options.ReferenceDatasetId is { } id)
        {
            return datasets.Get(id);
        }

        if (sample.Dataset is { } own)
        {
            return own;
        }

        if (model.Loaded.ReferenceDatasetPath is { } path)
        {
            return datasets.Open(path);
        }

        throw new DimeException(
            DimeErrorCode.InvalidArgument,
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

    private static void CheckFinite(float[] logits, ModelEntry model)
    {
        if (logits.Any(v => !float.IsFinite(v)))
        {
            throw new DimeException(DimeErrorCode.ModelOutputInvalid, $"The model '{model.Loaded.Name}' returned NaN or infinite logits.", model.Loaded.ManifestPath);
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
