namespace Dime.Daemon.Protocol;

// The result of dime/explain, as docs/protocol.md describes it. Everything a panel shows is here, so that
// switching the label, the number of features or the sign never needs the daemon again.

/// <param name="Warnings">Configurations that load but are probably wrong; absent when there are none.</param>
internal sealed record ModelInfo(string ModelId, string Name, string ManifestPath, IReadOnlyList<string> Labels, bool Split, string Hash, DeviceInfoDto Device, string? MaskToken, IReadOnlyList<string>? Warnings);

internal sealed record Answer(string Label, int Index, double Logit, double Probability);

internal sealed record Prediction(IReadOnlyList<Answer> Top, int Label);

internal sealed record ExplainedSample(int? Index, string Id, string ImagePath, string Question, string? Answer, int? Line, int Width, int Height, string? DatasetId);

/// <summary>The decomposition at the instance itself, for one label: logit = uc + mi, uc = g1 + g2 - mu.</summary>
internal sealed record InstanceValues(int Label, double Logit, double Uc, double Mi, double G1, double G2, double Mu);

/// <summary>One LIME surrogate: a weight per feature (0 where not selected), its intercept, weighted R^2, and its value at the instance.</summary>
internal sealed record Part(IReadOnlyList<double> Weights, IReadOnlyList<int> Selected, double Intercept, double R2, double LocalPrediction);

internal sealed record LabelExplanationDto(int Label, Part M, Part Uc, Part Mi);

internal sealed record SegmentationInfoDto(string Method, IReadOnlyDictionary<string, object> Parameters, int Count, int Width, int Height, IReadOnlyList<int> Map);

/// <summary>
/// How the rows were made: planned and fitted rows, untilStable's early stop and last convergence, the partner
/// estimator ("exact", "perRow" or "shared") with k of N partners, and the (image, text) pairs evaluated.
/// </summary>
internal sealed record SamplingInfo(
    int PlannedRows, int Rows, bool StoppedEarly, Engine.Explanation.Convergence? LastConvergence, [property: WireEnum("exact", "perRow", "shared")] string Estimator, int Partners, int ReferenceSize, long PairPasses);

/// <summary>Samples is the rows fitted; bootstrap is the stability of every part from resampling them (null when off).</summary>
internal sealed record ImageExplanationDto(
    SegmentationInfoDto Segmentation, int Samples, IReadOnlyList<LabelExplanationDto> Explanations, SamplingInfo? Sampling = null, Engine.Quality.BootstrapReport? Bootstrap = null);

/// <summary>A piece of the question as written: a word (with the index of its feature) or a separator (feature -1).</summary>
/// <param name="Unknown">True for a word that the model's tokenizer turns into its unknown token ([UNK]); absent otherwise.</param>
internal sealed record TextToken(string Text, int Feature, bool? Unknown = null);

internal sealed record TextExplanationDto(
    IReadOnlyList<string> Features, IReadOnlyList<TextToken> Tokens, int Samples, IReadOnlyList<LabelExplanationDto> Explanations, SamplingInfo? Sampling = null,
    Engine.Quality.BootstrapReport? Bootstrap = null);

/// <summary>
/// A partial fit in a `$/progress` notification (docs/protocol.md): the rows so far out of those planned, the
/// convergence since the previous partial, a few labels' surrogates, and with a modality's first partial its
/// segmentation (image) or features and tokens (text). Predicted: the predicted label (the result's prediction.label).
/// </summary>
internal sealed record PartialResult(
    [property: WireEnum("image", "text")] string Modality, int Rows, int PlannedRows, int Predicted, Engine.Explanation.Convergence? Convergence, IReadOnlyList<LabelExplanationDto> Explanations,
    SegmentationInfoDto? Segmentation, IReadOnlyList<string>? Features, IReadOnlyList<TextToken>? Tokens);

/// <summary>What options.quality asked for: stability over seeds, deletion/insertion curves.</summary>
internal sealed record QualityResult(Engine.Quality.StabilityReport? Stability, IReadOnlyList<Engine.Quality.CurveReport>? Curves);

internal sealed record Overlay([property: WireEnum("image", "text")] string Modality, [property: WireEnum("m", "uc", "mi")] string Part, int Label, string Path);

internal sealed record Artifacts(string Folder, string Report, string Json, IReadOnlyList<Overlay> Overlays);

internal sealed record ExplanationResult(
    string ResultId,
    bool Cached,
    ModelInfo Model,
    DeviceInfoDto Device,
    ExplainedSample Sample,
    IReadOnlyList<string> Labels,
    Prediction Prediction,
    IReadOnlyList<InstanceValues> Values,
    ImageExplanationDto? Image,
    TextExplanationDto? Text,
    QualityResult? Quality,
    System.Text.Json.Nodes.JsonObject Settings,
    IReadOnlyDictionary<string, double> Timings,
    Artifacts? Artifacts,
    Provenance? Provenance = null,
    IReadOnlyList<string>? Warnings = null);
