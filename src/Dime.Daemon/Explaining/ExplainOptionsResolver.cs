using Dime.Daemon.Protocol;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;

namespace Dime.Daemon.Explaining;

/// <summary>
/// From the options a client sends (<see cref="ExplainOptionsDto"/>, every field optional) to the engine's
/// <see cref="ExplainOptions"/>: the daemon's defaults and limits live here, and every value is checked against them,
/// so a bad option is an InvalidArgument naming the field, never an engine failure.
/// </summary>
internal static class ExplainOptionsResolver
{
    public const int DefaultSamples = 1000;
    public const int MaxSamples = 20_000;
    public const int DefaultReferenceSize = 100;
    public const int MaxReference = 1_000;
    public const int DefaultFeatureCount = 10;
    public const int MaxFeatureCount = 10_000;
    public const int MaxStabilityRuns = 10;
    public const int MaxBootstrap = 200;

    /// <summary>
    /// k, the reference partners per perturbed row when the request names none: the smallest k whose agreement with
    /// exact DIME was at least exact's own seed-to-seed agreement in every cell of `bench partners` on the demo
    /// models (README, "Fewer pair passes"). 0 is exact.
    /// </summary>
    public const int DefaultPartners = 50;

    public const int PixelsPerSegment = 16;

    private static readonly int DefaultBootstrap = new ExplainOptions().BootstrapResamples;

    extension(ExplainOptionsDto options)
    {
        public int ReferenceSizeOrDefault => options.ReferenceSize ?? DefaultReferenceSize;

        public int ReferenceSeedOrDefault => options.ReferenceSeed ?? 0;

        public bool StratifiedOrDefault => options.Stratified ?? true;

        public int PartnersOrDefault => options.Partners ?? DefaultPartners;

        /// <summary>Checks every value and makes the engine's options. Labels are resolved by the caller.</summary>
        public ExplainOptions Resolve(IReadOnlyList<int>? labels, string? maskToken, Engine.Imaging.RgbImage image)
        {
            Validate.Range(options.ImageSamples ?? DefaultSamples, 10, MaxSamples, "options.imageSamples");
            Validate.Range(options.TextSamples ?? DefaultSamples, 10, MaxSamples, "options.textSamples");
            Validate.Range(options.ReferenceSizeOrDefault, 1, MaxReference, "options.referenceSize");
            Validate.Range(options.ReferenceSeedOrDefault, 0, int.MaxValue, "options.referenceSeed");
            Validate.Range(options.Seed ?? 0, 0, int.MaxValue, "options.seed");
            Validate.Range(options.ImageFeatures ?? DefaultFeatureCount, 1, MaxFeatureCount, "options.imageFeatures");
            Validate.Range(options.TextFeatureCount ?? DefaultFeatureCount, 1, MaxFeatureCount, "options.textFeatureCount");
            Validate.Range(options.Quality?.StabilityRuns ?? 0, 0, MaxStabilityRuns, "options.quality.stabilityRuns");
            Validate.Range(options.Quality?.Bootstrap ?? DefaultBootstrap, 0, MaxBootstrap, "options.quality.bootstrap");
            Validate.Range(options.PartnersOrDefault, 0, MaxReference, "options.partners");
            Validate.OneOf(options.PartnerEstimator, ExplainOptionsDto.PartnerEstimators, "options.partnerEstimator");
            Validate.OneOf(options.TextFeatures, ExplainOptionsDto.TextFeatureModes, "options.textFeatures");
            Validate.OneOf(options.TextMask, ExplainOptionsDto.TextMasks, "options.textMask");
            if (options.TextMask is "mask" && string.IsNullOrEmpty(maskToken))
            {
                throw new DaemonException(ErrorCode.InvalidArgument, "This model's manifest names no mask token, so words can only be deleted.", "options.textMask");
            }

            return new ExplainOptions
            {
                Modalities = ParseModalities(options.Modalities),
                Labels = labels,
                ImageSamples = options.ImageSamples ?? DefaultSamples,
                TextSamples = options.TextSamples ?? DefaultSamples,
                Segmentation = CheckSegmentCount(ParseSegmentation(options.Segmentation), options.Segmentation, image),
                HideMode = ParseHideMode(options.Hide?.Mode),
                HideColor = options.Hide?.Mode is null or "median" ? MedianColor(image) : ParseColor(options.Hide?.Color),
                BlurSigma = options.Hide?.Sigma is { } sigma ? CheckedRange(sigma, 0.1, 100, "options.hide.sigma") : 5,
                TextFeatures = options.TextFeatures is "positions" ? TextFeatureMode.Positions : TextFeatureMode.BagOfWords,
                TextPerturbation = options.TextMask is "mask" ? TextPerturbation.MaskToken : TextPerturbation.Delete,
                MaskToken = maskToken ?? "[MASK]",
                ImageFeatureSelection = ParseSelection(options.FeatureSelection?.Image, FeatureSelection.None, "options.featureSelection.image"),
                ImageFeatureCount = options.ImageFeatures ?? DefaultFeatureCount,
                TextFeatureSelection = ParseSelection(options.FeatureSelection?.Text, FeatureSelection.Auto, "options.featureSelection.text"),
                TextFeatureCount = options.TextFeatureCount ?? DefaultFeatureCount,
                Seed = options.Seed ?? 0,
                Partners = options.PartnersOrDefault == 0 ? null : options.PartnersOrDefault,
                PartnerEstimator = string.Equals(options.PartnerEstimator, "shared", StringComparison.OrdinalIgnoreCase) ? Engine.Disentanglement.PartnerEstimator.Shared : Engine.Disentanglement.PartnerEstimator.PerRow,
                StratifiedPartners = options.StratifiedOrDefault,
                BootstrapResamples = options.Quality?.Bootstrap ?? DefaultBootstrap,
                PartialResults = options.Partial ?? false,
                UntilStable = options.UntilStable ?? false,
            };
        }
    }

    private static Modalities ParseModalities(string[]? modalities)
    {
        if (modalities is null)
        {
            return Modalities.Both;
        }

        Modalities result = 0;
        foreach (var m in modalities)
        {
            result |= m?.ToLowerInvariant() switch
            {
                "image" => Modalities.Image,
                "text" => Modalities.Text,
                _ => throw new DaemonException(ErrorCode.InvalidArgument, $"'options.modalities' contains '{m}'; use \"image\" and/or \"text\".", "options.modalities"),
            };
        }

        return result == 0
            ? throw new DaemonException(ErrorCode.InvalidArgument, "'options.modalities' is empty; give \"image\", \"text\" or both.", "options.modalities")
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
            throw new DaemonException(
                ErrorCode.InvalidArgument,
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

        Validate.OneOf(dto.Method, ExplainOptionsDto.SegmentationMethods, "options.segmentation.method");
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
        Validate.OneOf(mode, ExplainOptionsDto.HideModes, "options.hide.mode");
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
            throw new DaemonException(ErrorCode.InvalidArgument, "'options.hide.color' must be three numbers from 0 to 255.", "options.hide.color");
        }

        return new RgbColor((byte)color[0], (byte)color[1], (byte)color[2]);
    }

    private static FeatureSelection ParseSelection(string? value, FeatureSelection fallback, string name)
    {
        Validate.OneOf(value, ExplainOptionsDto.FeatureSelections, name);
        return value?.ToLowerInvariant() switch
        {
            null => fallback,
            "none" => FeatureSelection.None,
            "auto" => FeatureSelection.Auto,
            "forward" => FeatureSelection.Forward,
            _ => FeatureSelection.HighestWeights,
        };
    }

    private static T CheckedRange<T>(T value, T min, T max, string name)
        where T : struct, IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0 || (value is double d && !double.IsFinite(d)))
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{name}' is {value}; it must be between {min} and {max}.", name);
        }

        return value;
    }
}
