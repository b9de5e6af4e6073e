namespace Dime.Daemon.Requests;

// The result of dime/explain, as docs/protocol.md describes it. Everything a panel shows is here, so that
// switching the label, the number of features or the sign never needs the daemon again.

/// <param name="Warnings">Configurations that load but are probably wrong; absent when there are none.</param>
internal sealed record ModelInfo(string ModelId, string Name, string ManifestPath, IReadOnlyList<string> Labels, bool Split, string Hash, Protocol.DeviceInfo Device, string? MaskToken, IReadOnlyList<string>? Warnings)
{
    public static ModelInfo Of(Workspace.ModelEntry model) => new(
        model.Id,
        model.Loaded.Name,
        model.Loaded.ManifestPath,
        model.Loaded.Labels,
        model.Loaded.Split is not null,
        model.Loaded.ContentHash,
        Protocol.DeviceInfo.Of(model.Loaded.Device),
        model.Loaded.Tokenizer.MaskToken,
        model.Loaded.Warnings.Count == 0 ? null : model.Loaded.Warnings);
}

internal sealed record Answer(string Label, int Index, double Logit, double Probability);

internal sealed record Prediction(IReadOnlyList<Answer> Top, int Label);

internal sealed record ExplainedSample(int? Index, string Id, string ImagePath, string Question, string? Answer, int? Line, int Width, int Height, string? DatasetId);

/// <summary>The decomposition at the instance itself, for one label: logit = uc + mi, uc = g1 + g2 - mu.</summary>
internal sealed record InstanceValues(int Label, double Logit, double Uc, double Mi, double G1, double G2, double Mu);

/// <summary>One LIME surrogate: a weight per feature (0 where not selected), its intercept, weighted R^2, and its value at the instance.</summary>
internal sealed record Part(IReadOnlyList<double> Weights, IReadOnlyList<int> Selected, double Intercept, double R2, double LocalPrediction);

internal sealed record LabelExplanation(int Label, Part M, Part Uc, Part Mi);

internal sealed record SegmentationInfo(string Method, IReadOnlyDictionary<string, object> Parameters, int Count, int Width, int Height, IReadOnlyList<int> Map);

/// <summary>
/// How the rows were made: planned and fitted rows, untilStable's early stop and last convergence, the partner
/// estimator ("exact", "perRow" or "shared") with k of N partners, and the (image, text) pairs evaluated.
/// </summary>
internal sealed record SamplingInfo(
    int PlannedRows, int Rows, bool StoppedEarly, Engine.Explanation.Convergence? LastConvergence, string Estimator, int Partners, int ReferenceSize, long PairPasses);

/// <summary>Samples is the rows fitted; bootstrap is the stability of every part from resampling them (null when off).</summary>
internal sealed record ImageExplanation(
    SegmentationInfo Segmentation, int Samples, IReadOnlyList<LabelExplanation> Explanations, SamplingInfo? Sampling = null, Engine.Quality.BootstrapReport? Bootstrap = null);

/// <summary>A piece of the question as written: a word (with the index of its feature) or a separator (feature -1).</summary>
/// <param name="Unknown">True for a word that the model's tokenizer turns into its unknown token ([UNK]); absent otherwise.</param>
internal sealed record TextToken(string Text, int Feature, bool? Unknown = null);

internal sealed record TextExplanation(
    IReadOnlyList<string> Features, IReadOnlyList<TextToken> Tokens, int Samples, IReadOnlyList<LabelExplanation> Explanations, SamplingInfo? Sampling = null,
    Engine.Quality.BootstrapReport? Bootstrap = null);

/// <summary>
/// A partial fit in a `$/progress` notification (docs/protocol.md): the rows so far out of those planned, the
/// convergence since the previous partial, a few labels' surrogates, and with a modality's first partial its
/// segmentation (image) or features and tokens (text). Predicted: the predicted label (the result's prediction.label).
/// </summary>
internal sealed record PartialResult(
    string Modality, int Rows, int PlannedRows, int Predicted, Engine.Explanation.Convergence? Convergence, IReadOnlyList<LabelExplanation> Explanations,
    SegmentationInfo? Segmentation, IReadOnlyList<string>? Features, IReadOnlyList<TextToken>? Tokens);

internal sealed record Overlay(string Modality, string Part, int Label, string Path);

internal sealed record Artifacts(string Folder, string Report, string Json, IReadOnlyList<Overlay> Overlays);

internal sealed record ExplanationResult(
    string ResultId,
    bool Cached,
    ModelInfo Model,
    Protocol.DeviceInfo Device,
    ExplainedSample Sample,
    IReadOnlyList<string> Labels,
    Prediction Prediction,
    IReadOnlyList<InstanceValues> Values,
    ImageExplanation? Image,
    TextExplanation? Text,
    System.Text.Json.Nodes.JsonObject? Quality,
    System.Text.Json.Nodes.JsonObject Settings,
    IReadOnlyDictionary<string, double> Timings,
    Artifacts? Artifacts,
    Provenance? Provenance = null,
    IReadOnlyList<string>? Warnings = null);
