using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record DatasetOptionsDto(int? TopSamples = null);

internal sealed record ExplainDatasetParams(string ModelId, string DatasetId, int Offset = 0, int Count = 100, DatasetOptionsDto? Options = null, JsonElement? ProgressToken = null);

internal sealed record Emap(double? Accuracy, double? ProjectedAccuracy, double? Gap);

/// <summary>One label: how many samples the model gives it, and over all samples the share of |UC| and |MI| in its logit.</summary>
internal sealed record LabelShare(int Label, int Count, double UcShare, double MiShare);

internal sealed record InteractionSample(int Index, string Id, string Question, string? Answer, int Predicted, int Projected, double Logit, double Uc, double Mi, double MiShare);

internal sealed record DatasetResult(
    string ResultId, ModelInfo Model, DeviceInfo Device, DatasetInfo Dataset, int Offset, int Count, int SamplesWithAnswers, IReadOnlyList<string> Labels,
    Emap Emap, IReadOnlyList<LabelShare> PerLabel, IReadOnlyList<InteractionSample> Samples, IReadOnlyList<string> Skipped,
    System.Text.Json.Nodes.JsonObject Settings, IReadOnlyDictionary<string, double> Timings);

/// <summary>
/// EMAP over a slice of a dataset: the slice's n x n grid, the accuracy of the model against that of its additive
/// projection (the gap is what interactions buy), the share of |UC| and |MI| per label, and the samples most driven
/// by interactions, each one click from its own explanation.
/// </summary>
internal sealed class ExplainDatasetHandler(Daemon daemon, JsonRpc rpc)
{
    public const int MaxSlice = 1_000;

    [JsonRpcMethod(ProtocolNames.ExplainDataset, UseSingleObjectParameterDeserialization = true)]
    public async Task<DatasetResult> ExplainDatasetAsync(ExplainDatasetParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotEmpty(parameters.DatasetId, "datasetId");
        Validate.Range(parameters.Count, 2, MaxSlice, "count");
        var top = parameters.Options?.TopSamples ?? 20;
        Validate.Range(top, 1, MaxSlice, "options.topSamples");
        var model = daemon.Models.Get(parameters.ModelId);
        var dataset = daemon.Datasets.Get(parameters.DatasetId);
        Validate.Range(parameters.Offset, 0, dataset.Samples.Count - 1, "offset");
        using var running = daemon.Running();
        var progress = ProgressNotifier.For(rpc, parameters.ProgressToken);
        return await RunAsync(model, dataset, parameters.Offset, parameters.Count, top, progress, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<DatasetResult> RunAsync(ModelEntry model, Dataset dataset, int offset, int count, int top, IProgress<Explaining.ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var skipped = new List<string>();
        var (reference, kept) = Explaining.DatasetSamples.Load(dataset, dataset.Samples.Skip(offset).Take(count), minimum: 2, skipped, cancellationToken);
        var loadMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var engineProgress = progress is null ? null : new Progress<ExplainProgress>(p => progress.Report(new Explaining.ProgressValue("dataset", p.OverallFraction)));
        var report = await EmapAnalysis.AnalyzeAsync(model.Loaded.Model, reference, engineProgress, cancellationToken).ConfigureAwait(false);
        var predictedCounts = report.SamplesByInteraction.GroupBy(x => x.Predicted).ToDictionary(g => g.Key, g => g.Count());
        var result = new DatasetResult(
            Explaining.ResultStore.IdOf("dataset", Versions.Current.Daemon, model.Loaded.ContentHash, dataset.Id, dataset.LastWriteUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), offset.ToString(System.Globalization.CultureInfo.InvariantCulture), count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ModelInfo.Of(model),
            DeviceInfo.Of(model.Loaded.Device),
            DatasetInfo.Of(dataset),
            offset,
            report.Samples,
            report.SamplesWithAnswers,
            model.Loaded.Labels,
            new Emap(report.Accuracy, report.ProjectedAccuracy, report.Gap),
            [.. report.Labels.Select(l =>
            {
                var total = l.SumAbsUC + l.SumAbsMI;
                return new LabelShare(l.Label, predictedCounts.GetValueOrDefault(l.Label), total > 0 ? l.SumAbsUC / total : 0, total > 0 ? l.SumAbsMI / total : 0);
            })],
            [.. report.SamplesByInteraction.Take(top).Select(s =>
            {
                var sample = kept[s.Index];
                return new InteractionSample(sample.Index, sample.Id, sample.Question, sample.Answer, s.Predicted, s.ProjectedPrediction, s.UC + s.MI, s.UC, s.MI, s.InteractionShare);
            })],
            skipped,
            new System.Text.Json.Nodes.JsonObject { ["seed"] = 0, ["offset"] = offset, ["count"] = count, ["topSamples"] = top },
            new Dictionary<string, double>
            {
                ["images"] = Math.Round(loadMs, 1),
                ["total"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
            });
        progress?.Report(new Explaining.ProgressValue(ExplainPhases.Done, 1));
        return result;
    }
}
