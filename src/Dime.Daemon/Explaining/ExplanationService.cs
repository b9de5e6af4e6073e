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

namespace Dime.Daemon.Explaining;

/// <summary>What a long request reports while it runs: the phase and the overall fraction done.</summary>
internal sealed record ProgressValue(string Phase, double Fraction, string? Message = null, PartialResult? Partial = null);

/// <summary>
/// The explanation pipeline as the daemon runs it, for JSON-RPC and the command line alike:
/// resolve the sample -> get the prepared reference set -> answer from the cache or run the engine ->
/// map the result -> write the overlays, the report and the JSON.
/// </summary>
internal sealed class ExplanationService(DatasetRegistry datasets, ReferenceCache references, ResultStore store, Log log)
{
    public static readonly JsonSerializerOptions Json = Protocol.Json.Options;

    public async Task<(ResolvedSample Sample, Prediction Prediction, float[] Logits)> PredictAsync(ModelEntry model, SampleRef sampleRef, int top, CancellationToken cancellationToken)
    {
        var sample = SampleResolver.Resolve(sampleRef, datasets);
        var (prediction, logits) = await PredictAsync(model, sample, top, cancellationToken).ConfigureAwait(false);
        return (sample, prediction, logits);
    }

    private static async Task<(Prediction Prediction, float[] Logits)> PredictAsync(ModelEntry model, ResolvedSample sample, int top, CancellationToken cancellationToken)
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
        var started = Stopwatch.GetTimestamp();
        options ??= new ExplainOptionsDto();
        var sample = SampleResolver.Resolve(sampleRef, datasets);
        var labels = model.Loaded.Labels;
        var referenceDataset = ReferenceDataset(options, sample, model);

        var (prediction, _) = await PredictAsync(model, sample, ResultMapper.TopAnswers, cancellationToken).ConfigureAwait(false);
        var labelIndices = options.ResolveLabels(labels, () => TopLabels(prediction, labels, sample.Info.Answer));
        var engineOptions = options.Resolve(labelIndices, model.Loaded.Tokenizer.MaskToken, sample.Image);

        var settings = ResultMapper.Settings(engineOptions, options, Math.Min(options.ReferenceSizeOrDefault, referenceDataset.Samples.Count), referenceDataset.Path);
        var resultId = ResultStore.IdOf(
            Versions.Current.Daemon, model.Loaded.ContentHash, sample.ImageHash, sample.Info.Question, sample.Info.Answer ?? string.Empty, referenceDataset.Id,
            referenceDataset.LastWriteUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            settings.ToJsonString(), string.Join(',', labelIndices ?? []), JsonSerializer.Serialize(options.Quality, Json));
        if (store.TryLoad(resultId) is { } cached)
        {
            log.Info($"explain {sample.Info.Id} with {model.Loaded.Name}: answered from the cache ({resultId})");
            progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
            return cached;
        }

        var callsBefore = model.Loaded.GraphCalls;
        var referenceStarted = Stopwatch.GetTimestamp();
        var prepared = await references.GetAsync(model, referenceDataset, options.ReferenceSizeOrDefault, options.ReferenceSeedOrDefault, options.StratifiedOrDefault, Scale(progress, 0, 0.1), cancellationToken).ConfigureAwait(false);
        var referenceMs = Stopwatch.GetElapsedTime(referenceStarted).TotalMilliseconds;

        var instance = new ExplainInstance(sample.Image, sample.Info.Question, sample.Info.DatasetId is { } d ? $"{d}#{sample.Info.Index}:{sample.ImageHash}" : "img:" + sample.ImageHash);
        var quality = options.Quality;
        var wantsQuality = (quality?.StabilityRuns ?? 0) >= 2 || quality?.Curves == true;
        var partialLabels = TopLabels(prediction, labels, sample.Info.Answer).Where(l => labelIndices is null || labelIndices.Contains(l)).ToHashSet();
        var explanation = await DimeExplainer.ExplainAsync(model.Loaded.Model, instance, prepared, engineOptions, Scale(progress, 0.1, wantsQuality ? 0.7 : 0.98, partialLabels), cancellationToken).ConfigureAwait(false);
        var qualityNode = wantsQuality ? await QualityAsync(model, instance, prepared, engineOptions, explanation, prediction.Label, quality!, Scale(progress, 0.7, 0.98), cancellationToken).ConfigureAwait(false) : null;

        var artifactsStarted = Stopwatch.GetTimestamp();
        var result = new ExplanationResult(
            resultId,
            Cached: false,
            Model: ModelInfo.Of(model),
            Device: DeviceInfo.Of(model.Loaded.Device),
            Sample: sample.Info,
            Labels: labels,
            Prediction: prediction,
            Values: ResultMapper.Values(explanation.Instance, labelIndices),
            Image: ResultMapper.Image(explanation.Image),
            Text: ResultMapper.Text(explanation.Text, word => model.Loaded.Tokenize(word).Words.Any(w => w.Unknown)),
            Quality: qualityNode,
            Settings: settings,
            Timings: TimingsSoFar(explanation.Timings, referenceMs, started),
            Artifacts: null);
        var artifacts = writeArtifacts ? ArtifactWriter.Write(store.FolderOf(resultId), result, sample.Image) : null;
        var timings = ResultMapper.Timings(explanation.Timings, referenceMs, Stopwatch.GetElapsedTime(artifactsStarted).TotalMilliseconds)
            .ToDictionary(t => t.Key, t => t.Value);
        timings["total"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        foreach (var (name, count) in ResultMapper.GraphCalls(callsBefore, model.Loaded.GraphCalls))
        {
            timings[name] = count;
        }

        result = result with { Artifacts = artifacts, Timings = timings };
        if (writeArtifacts)
        {
            store.Save(result);
        }

        progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
        log.Info($"explain {sample.Info.Id} with {model.Loaded.Name}: {timings["total"]:0} ms ({resultId})");
        return result;
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
    private static IProgress<ExplainProgress>? Scale(IProgress<ProgressValue>? progress, double from, double to, IReadOnlyCollection<int>? partialLabels = null) =>
        progress is null ? null : new ScaledProgress(progress, from, to, partialLabels ?? []);

    private sealed class ScaledProgress(IProgress<ProgressValue> target, double from, double to, IReadOnlyCollection<int> partialLabels) : IProgress<ExplainProgress>
    {
        private readonly HashSet<Modalities> _described = [];

        public void Report(ExplainProgress value) =>
            target.Report(new ProgressValue(
                value.Phase,
                from + ((to - from) * Math.Clamp(value.OverallFraction, 0, 1)),
                Partial: value.Partial is { } partial ? ResultMapper.Partial(partial, partialLabels, _described.Add(partial.Modality)) : null));
    }
}
