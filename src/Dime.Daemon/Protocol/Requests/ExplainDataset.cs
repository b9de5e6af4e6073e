using System.Text.Json;
using Dime.Daemon.Sharding;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Protocol;

internal sealed record DatasetOptionsDto(int? TopSamples = null);

internal sealed record ExplainDatasetParams(string ModelId, string DatasetId, int Offset = 0, int Count = 100, DatasetOptionsDto? Options = null, JsonElement? ProgressToken = null);

internal sealed record Emap(double? Accuracy, double? ProjectedAccuracy, double? Gap);

/// <summary>One label: how many samples the model gives it, and over all samples the share of |UC| and |MI| in its logit.</summary>
internal sealed record LabelShare(int Label, int Count, double UcShare, double MiShare);

internal sealed record InteractionSample(int Index, string Id, string Question, string? Answer, int Predicted, int Projected, double Logit, double Uc, double Mi, double MiShare);

internal sealed record DatasetResult(
    string ResultId, ModelInfo Model, DeviceInfoDto Device, DatasetInfo Dataset, int Offset, int Count, int SamplesWithAnswers, IReadOnlyList<string> Labels,
    Emap Emap, IReadOnlyList<LabelShare> PerLabel, IReadOnlyList<InteractionSample> Samples, IReadOnlyList<string> Skipped,
    System.Text.Json.Nodes.JsonObject Settings, IReadOnlyDictionary<string, double> Timings);
