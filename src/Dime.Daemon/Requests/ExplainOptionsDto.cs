using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;

namespace Dime.Daemon.Requests;

internal sealed record SegmentationDto(string? Method, double? KernelSize, double? MaxDist, double? Ratio, int? Segments, double? Compactness, int? Rows, int? Columns, int? Seed);

internal sealed record HideDto(string? Mode, int[]? Color, double? Sigma);

internal sealed record FeatureSelectionDto(string? Image, string? Text);

/// <summary>stabilityRuns: K-seed stability (K more explanations); bootstrap: B resamples of the rows (no model calls, 0 = off).</summary>
internal sealed record QualityDto(int? StabilityRuns, bool? Curves, int? Bootstrap = null);

/// <summary>
/// The options of dime/explain as the client sends them (docs/protocol.md, ExplainOptions). Everything is optional;
/// <see cref="Resolve"/> fills in the defaults, checks every value and makes the engine's options.
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
    public const int MaxSamples = 20_000;
    public const int MaxReference = 1_000;
    public const int MaxStabilityRuns = 10;
    public const int MaxBootstrap = 200;

    /// <summary>
    /// k, the reference partners per perturbed row when the request names none: the smallest k whose agreement with
    /// exact DIME was at least exact's own seed-to-seed agreement in every cell of `npm run bench -- partners` on the demo
    /// models (README, "Fewer pair passes"). 0 is exact.
    /// </summary>
    public const int DefaultPartners = 50;

    public static readonly string[] PartnerEstimators = ["perRow", "shared"];

    public const int PixelsPerSegment = 16;

    public static readonly string[] SegmentationMethods = ["auto", "quickshift", "slic", "grid"];
    /// <summary>
    /// median (default): hidden segments take the image's median colour, which on a plain background erases what
    /// the segment holds. mean: LIME's default, each segment's own mean colour; superpixels that follow object
    /// edges then look the same hidden or not, so flat synthetic scenes get no image signal. constant, blur.
    /// </summary>
    public static readonly string[] HideModes = ["median", "mean", "constant", "blur"];
    public static readonly string[] TextMasks = ["delete", "mask"];
    private static readonly string[] Selections = ["none", "auto", "forward", "highestWeights"];

    [System.Text.Json.Serialization.JsonIgnore]
    public int ReferenceSizeOrDefault => ReferenceSize ?? 100;

    [System.Text.Json.Serialization.JsonIgnore]
    public int ReferenceSeedOrDefault => ReferenceSeed ?? 0;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool StratifiedOrDefault => Stratified ?? true;

    public int PartnersOrDefault => Partners ?? DefaultPartners;

    private static readonly int DefaultBootstrap = new ExplainOptions().BootstrapResamples;

    /// <summary>Checks every value and makes the engine's options. Labels are resolved by the caller.</summary>
    public ExplainOptions Resolve(IReadOnlyList<int>? labels, string? maskToken, Engine.Imaging.RgbImage image)
    {
        Validate.Range(ImageSamples ?? 1000, 10, MaxSamples, "options.imageSamples");
        Validate.Range(TextSamples ?? 1000, 10, MaxSamples, "options.textSamples");
        Validate.Range(ReferenceSizeOrDefault, 1, MaxReference, "options.referenceSize");
        Validate.Range(ReferenceSeedOrDefault, 0, int.MaxValue, "options.referenceSeed");
        Validate.Range(Seed ?? 0, 0, int.MaxValue, "options.seed");
        Validate.Range(ImageFeatures ?? 10, 1, 10_000, "options.imageFeatures");
        Validate.Range(TextFeatureCount ?? 10, 1, 10_000, "options.textFeatureCount");
        Validate.Range(Quality?.StabilityRuns ?? 0, 0, MaxStabilityRuns, "options.quality.stabilityRuns");
        Validate.Range(Quality?.Bootstrap ?? DefaultBootstrap, 0, MaxBootstrap, "options.quality.bootstrap");
        Validate.Range(PartnersOrDefault, 0, MaxReference, "options.partners");
        Validate.OneOf(PartnerEstimator, PartnerEstimators, "options.partnerEstimator");
        Validate.OneOf(TextFeatures, ["words", "positions"], "options.textFeatures");
        Validate.OneOf(TextMask, TextMasks, "options.textMask");
        if (TextMask is "mask" && string.IsNullOrEmpty(maskToken))
        {
            throw new DimeException(DimeErrorCode.InvalidArgument, "This model's manifest names no mask token, so words can only be deleted.", "options.textMask");
        }

        return new ExplainOptions
        {
            Modalities = ParseModalities(Modalities),
            Labels = labels,
            ImageSamples = ImageSamples ?? 1000,
            TextSamples = TextSamples ?? 1000,
            Segmentation = CheckSegmentCount(ParseSegmentation(Segmentation), Segmentation, image),
            HideMode = ParseHideMode(Hide?.Mode),
            HideColor = Hide?.Mode is null or "median" ? MedianColor(image) : ParseColor(Hide?.Color),
            BlurSigma = Hide?.Sigma is { } sigma ? CheckedRange(sigma, 0.1, 100, "options.hide.sigma") : 5,
            TextFeatures = TextFeatures is "positions" ? TextFeatureMode.Positions : TextFeatureMode.BagOfWords,
            TextPerturbation = TextMask is "mask" ? TextPerturbation.MaskToken : TextPerturbation.Delete,
            MaskToken = maskToken ?? "[MASK]",
            ImageFeatureSelection = ParseSelection(FeatureSelection?.Image, Engine.Fitting.FeatureSelection.None, "options.featureSelection.image"),
            ImageFeatureCount = ImageFeatures ?? 10,
            TextFeatureSelection = ParseSelection(FeatureSelection?.Text, Engine.Fitting.FeatureSelection.Auto, "options.featureSelection.text"),
            TextFeatureCount = TextFeatureCount ?? 10,
            Seed = Seed ?? 0,
            Partners = PartnersOrDefault == 0 ? null : PartnersOrDefault,
            PartnerEstimator = string.Equals(PartnerEstimator, "shared", StringComparison.OrdinalIgnoreCase) ? Engine.Disentanglement.PartnerEstimator.Shared : Engine.Disentanglement.PartnerEstimator.PerRow,
            StratifiedPartners = StratifiedOrDefault,
            BootstrapResamples = Quality?.Bootstrap ?? DefaultBootstrap,
            PartialResults = Partial ?? false,
            UntilStable = UntilStable ?? false,
        };
    }

    private static Modalities ParseModalities(string[]? modalities)
    {
        if (modalities is null)
        {
            return Engine.Explanation.Modalities.Both;
        }

        Modalities result = 0;
        foreach (var m in modalities)
        {
            result |= m?.ToLowerInvariant() switch
            {
                "image" => Engine.Explanation.Modalities.Image,
                "text" => Engine.Explanation.Modalities.Text,
                _ => throw new DimeException(DimeErrorCode.InvalidArgument, $"'options.modalities' contains '{m}'; use \"image\" and/or \"text\".", "options.modalities"),
            };
        }

        return result == 0
            ? throw new DimeException(DimeErrorCode.InvalidArgument, "'options.modalities' is empty; give \"image\", \"text\" or both.", "options.modalities")
            : result;
    }

    /// <summary>
    /// Segments asked for explicitly (a grid, SLIC's count) must fit the pixels: at least <see cref="PixelsPerSegment"/>
    /// each, and at most <see cref="DimeExplainer.MaxImageSegments"/> in all (each is a feature of every LIME fit).
    /// </summary>
    private static SegmentationOptions CheckSegmentCount(SegmentationOptions options, SegmentationDto? dto, Engine.Imaging.RgbImage image)
    {
        var requested = (options.Method, dto) switch
        {
            (SegmentationMethod.Grid, { Rows: not null } or { Columns: not null }) => (long)options.GridRows * options.GridColumns,
            (SegmentationMethod.Slic, { Segments: not null }) => options.SlicSegments,
            _ => 0,
        };
        var bound = Math.Min(DimeExplainer.MaxImageSegments, (long)image.Width * image.Height / PixelsPerSegment);
        if (requested > bound)
        {
            throw new DimeException(
                DimeErrorCode.InvalidArgument,
                $"The segmentation asks for {requested} segments, but a {image.Width}x{image.Height} image is explained with at most {bound} ({PixelsPerSegment} pixels or more each, at most {DimeExplainer.MaxImageSegments} in all).",
                "options.segmentation");
        }

        return options;
    }

    private static SegmentationOptions ParseSegmentation(SegmentationDto? dto)
    {
        if (dto is null)
        {
            return new SegmentationOptions();
        }

        Validate.OneOf(dto.Method, SegmentationMethods, "options.segmentation.method");
        var defaults = new SegmentationOptions();
        return new SegmentationOptions
        {
            Method = dto.Method?.ToLowerInvariant() switch
            {
                "quickshift" => SegmentationMethod.Quickshift,
                "slic" => SegmentationMethod.Slic,
                "grid" => SegmentationMethod.Grid,
                _ => SegmentationMethod.Auto,
            },
            KernelSize = dto.KernelSize is { } k ? CheckedRange(k, 0.5, 20, "options.segmentation.kernelSize") : defaults.KernelSize,
            MaxDist = dto.MaxDist is { } d ? CheckedRange(d, 0.1, 10_000, "options.segmentation.maxDist") : defaults.MaxDist,
            Ratio = dto.Ratio is { } r ? CheckedRange(r, 0, 1, "options.segmentation.ratio") : defaults.Ratio,
            SlicSegments = dto.Segments is { } s ? CheckedRange(s, 2, 2_000, "options.segmentation.segments") : defaults.SlicSegments,
            SlicCompactness = dto.Compactness is { } c ? CheckedRange(c, 0.01, 1_000, "options.segmentation.compactness") : defaults.SlicCompactness,
            GridRows = dto.Rows is { } rows ? CheckedRange(rows, 1, 100, "options.segmentation.rows") : defaults.GridRows,
            GridColumns = dto.Columns is { } columns ? CheckedRange(columns, 1, 100, "options.segmentation.columns") : defaults.GridColumns,
            QuickshiftSeed = dto.Seed is { } seed ? CheckedRange(seed, 0, int.MaxValue, "options.segmentation.seed") : null,
        };
    }

    private static HideMode ParseHideMode(string? mode)
    {
        Validate.OneOf(mode, HideModes, "options.hide.mode");
        return mode?.ToLowerInvariant() switch
        {
            null or "median" or "constant" => HideMode.Constant,
            "blur" => HideMode.Blur,
            _ => HideMode.SegmentMean,
        };
    }

    /// <summary>The per-channel median of the image: its background colour when it has a plain one.</summary>
    public static RgbColor MedianColor(Engine.Imaging.RgbImage image)
    {
        Span<byte> median = stackalloc byte[3];
        Span<int> histogram = stackalloc int[256];
        for (var channel = 0; channel < 3; channel++)
        {
            histogram.Clear();
            for (var i = channel; i < image.Pixels.Length; i += 3)
            {
                histogram[image.Pixels[i]]++;
            }

            var half = (image.PixelCount + 1) / 2;
            var seen = 0;
            var value = 0;
            while ((seen += histogram[value]) < half)
            {
                value++;
            }

            median[channel] = (byte)value;
        }

        return new RgbColor(median[0], median[1], median[2]);
    }

    private static RgbColor ParseColor(int[]? color)
    {
        if (color is null)
        {
            return new RgbColor(0, 0, 0);
        }

        if (color.Length != 3 || color.Any(c => c is < 0 or > 255))
        {
            throw new DimeException(DimeErrorCode.InvalidArgument, "'options.hide.color' must be three numbers from 0 to 255.", "options.hide.color");
        }

        return new RgbColor((byte)color[0], (byte)color[1], (byte)color[2]);
    }

    private static FeatureSelection ParseSelection(string? value, FeatureSelection fallback, string name)
    {
        Validate.OneOf(value, Selections, name);
        return value?.ToLowerInvariant() switch
        {
            null => fallback,
            "none" => Engine.Fitting.FeatureSelection.None,
            "auto" => Engine.Fitting.FeatureSelection.Auto,
            "forward" => Engine.Fitting.FeatureSelection.Forward,
            _ => Engine.Fitting.FeatureSelection.HighestWeights,
        };
    }

    private static T CheckedRange<T>(T value, T min, T max, string name)
        where T : struct, IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0 || (value is double d && !double.IsFinite(d)))
        {
            throw new DimeException(DimeErrorCode.InvalidArgument, $"'{name}' is {value}; it must be between {min} and {max}.", name);
        }

        return value;
    }
}
