using System.Text.Json;

namespace Dime.Daemon.Protocol;

internal sealed record SegmentationDto(string? Method, double? KernelSize, double? MaxDist, double? Ratio, int? Segments, double? Compactness, int? Rows, int? Columns, int? Seed);

internal sealed record HideDto(string? Mode, int[]? Color, double? Sigma);

internal sealed record FeatureSelectionDto(string? Image, string? Text);

/// <summary>stabilityRuns: K-seed stability (K more explanations); bootstrap: B resamples of the rows (no model calls, 0 = off).</summary>
internal sealed record QualityDto(int? StabilityRuns, bool? Curves, int? Bootstrap = null);

/// <summary>
/// The options of dime/explain as the client sends them (docs/protocol.md, ExplainOptions). Everything is optional;
/// Explaining/ExplainOptionsResolver fills in the defaults, checks every value and makes the engine's options.
/// </summary>
internal sealed record ExplainOptionsDto(
    JsonElement? Labels = null,
    string[]? Modalities = null,
    int? ImageSamples = null,
    int? TextSamples = null,
    int? ReferenceSize = null,
    string? ReferenceDatasetId = null,
    bool? Stratified = null,
    int? ReferenceSeed = null,
    SegmentationDto? Segmentation = null,
    HideDto? Hide = null,
    string? TextFeatures = null,
    string? TextMask = null,
    int? ImageFeatures = null,
    int? TextFeatureCount = null,
    FeatureSelectionDto? FeatureSelection = null,
    QualityDto? Quality = null,
    int? Seed = null,
    int? Partners = null,
    string? PartnerEstimator = null,
    bool? Partial = null,
    bool? UntilStable = null)
{
    public static readonly string[] SegmentationMethods = ["auto", "quickshift", "slic", "grid"];

    /// <summary>
    /// median (default): hidden segments take the image's median colour, which on a plain background erases what
    /// the segment holds. mean: LIME's default, each segment's own mean colour; superpixels that follow object
    /// edges then look the same hidden or not, so flat synthetic scenes get no image signal. constant, blur.
    /// </summary>
    public static readonly string[] HideModes = ["median", "mean", "constant", "blur"];
    public static readonly string[] TextMasks = ["delete", "mask"];
    public static readonly string[] TextFeatureModes = ["words", "positions"];
    public static readonly string[] PartnerEstimators = ["perRow", "shared"];
    public static readonly string[] FeatureSelections = ["none", "auto", "forward", "highestWeights"];
}
