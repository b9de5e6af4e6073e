using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Fitting;
using Dime.Engine.Perturbation;
using Dime.Engine.Quality;
using Dime.Engine.Segmentation;

namespace Dime.Engine.Explanation;

[Flags]
public enum Modalities
{
    Image = 1,
    Text = 2,
    Both = Image | Text,
}

/// <summary>
/// Everything an explanation depends on besides the model, the instance and R. Defaults follow LIME 0.2.0.1
/// where LIME has one (ridge alpha 1, kernel width 0.25, mean-colour hiding, bag of words, deletion, 'auto' text
/// selection of 10 features, all image features), except that both modalities take 1000 samples.
/// </summary>
public sealed record ExplainOptions
{
    public Modalities Modalities { get; init; } = Modalities.Both;

    /// <summary>Label indices to explain; null explains every label. All labels come from the same model calls.</summary>
    public IReadOnlyList<int>? Labels { get; init; }

    public int ImageSamples { get; init; } = 1000;

    public int TextSamples { get; init; } = 1000;

    public SegmentationOptions Segmentation { get; init; } = new();

    public HideMode HideMode { get; init; } = HideMode.SegmentMean;

    public RgbColor HideColor { get; init; } = new(0, 0, 0);

    public double BlurSigma { get; init; } = 5;

    public TextFeatureMode TextFeatures { get; init; } = TextFeatureMode.BagOfWords;

    public TextPerturbation TextPerturbation { get; init; } = TextPerturbation.Delete;

    public string MaskToken { get; init; } = "[MASK]";

    public FeatureSelection ImageFeatureSelection { get; init; } = FeatureSelection.None;

    public int ImageFeatureCount { get; init; } = 10;

    public FeatureSelection TextFeatureSelection { get; init; } = FeatureSelection.Auto;

    public int TextFeatureCount { get; init; } = 10;

    public double KernelWidth { get; init; } = 0.25;

    public double RidgeAlpha { get; init; } = 1.0;

    /// <summary>Every random choice derives from this seed.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Perturbations per model call; each is paired with the N reference partners and the instance's own. 256 keeps
    /// a split model's fusion batches full (a whole explanation on CPU: 2.4 s at 256, 3.0 s at 64) while progress
    /// still moves every few hundred milliseconds and a call in flight can be cancelled.
    /// </summary>
    public int RowsPerBatch { get; init; } = 256;

    /// <summary>
    /// k, the reference partners each perturbed row meets when estimating its g1 or g2 (method.md section 8); null
    /// (or N and more) is exact. The instance's own f, g1, g2, mu, UC and MI always use all N.
    /// </summary>
    public int? Partners { get; init; }

    /// <summary>How rows use their k partners: each its own draw (unbiased) or one shared subset.</summary>
    public PartnerEstimator PartnerEstimator { get; init; } = PartnerEstimator.PerRow;

    /// <summary>Draw partners stratified by the reference set's answers (when it has them).</summary>
    public bool StratifiedPartners { get; init; } = true;

    /// <summary>
    /// B, the bootstrap resamples of the rows already computed that measure each part's stability at no model cost
    /// (method.md section 9); 0 turns it off.
    /// </summary>
    public int BootstrapResamples { get; init; } = BootstrapStability.DefaultResamples;

    /// <summary>The k of the stability figures' top-k overlap (bootstrap and convergence).</summary>
    public int StabilityTopK { get; init; } = 5;

    /// <summary>Fit and report partial explanations as rows arrive (see <see cref="AnytimeSchedule"/>).</summary>
    public bool PartialResults { get; init; }

    /// <summary>Stop sampling a modality once its top features stop changing between partial fits (see <see cref="AnytimeSchedule"/>).</summary>
    public bool UntilStable { get; init; }

    internal void Validate(int labelCount)
    {
        Require(Modalities is Modalities.Image or Modalities.Text or Modalities.Both, "Modalities must be image, text or both.", nameof(Modalities));
        Require(ImageSamples is >= 2 and <= 1_000_000, "Image samples must be 2 to 1,000,000.", nameof(ImageSamples));
        Require(TextSamples is >= 2 and <= 1_000_000, "Text samples must be 2 to 1,000,000.", nameof(TextSamples));
        Require(Segmentation is not null, "Segmentation options are required.", nameof(Segmentation));
        Require(Enum.IsDefined(HideMode), "Unknown hide mode.", nameof(HideMode));
        Require(BlurSigma is > 0 and <= 100, "Blur sigma must be in (0, 100].", nameof(BlurSigma));
        Require(Enum.IsDefined(TextFeatures) && Enum.IsDefined(TextPerturbation), "Unknown text feature or perturbation mode.", nameof(TextFeatures));
        Require(TextPerturbation != TextPerturbation.MaskToken || !string.IsNullOrEmpty(MaskToken), "A mask token is required to mask words.", nameof(MaskToken));
        Require(Enum.IsDefined(ImageFeatureSelection) && Enum.IsDefined(TextFeatureSelection), "Unknown feature selection.", nameof(ImageFeatureSelection));
        Require(ImageFeatureCount >= 1 && TextFeatureCount >= 1, "Feature counts must be at least 1.", nameof(ImageFeatureCount));
        Require(KernelWidth > 0 && double.IsFinite(KernelWidth), "The kernel width must be positive.", nameof(KernelWidth));
        Require(RidgeAlpha >= 0 && double.IsFinite(RidgeAlpha), "Ridge alpha must not be negative.", nameof(RidgeAlpha));
        Require(Seed >= 0, "The seed must not be negative.", nameof(Seed));
        Require(RowsPerBatch is >= 1 and <= 100_000, "Rows per batch must be 1 to 100,000.", nameof(RowsPerBatch));
        Require(Partners is null or >= 1, "Partners must be at least 1 (or null for all of the reference set).", nameof(Partners));
        Require(Enum.IsDefined(PartnerEstimator), "Unknown partner estimator.", nameof(PartnerEstimator));
        Require(BootstrapResamples is >= 0 and <= 1000, "Bootstrap resamples must be 0 to 1,000.", nameof(BootstrapResamples));
        Require(StabilityTopK >= 1, "The stability top-k must be at least 1.", nameof(StabilityTopK));
        if (Labels is not null)
        {
            Require(Labels.Count > 0, "Give at least one label, or none for all.", nameof(Labels));
            Require(Labels.All(l => l >= 0 && l < labelCount), $"Labels must be indices 0..{labelCount - 1}.", nameof(Labels));
            Require(Labels.Distinct().Count() == Labels.Count, "Labels must not repeat.", nameof(Labels));
        }

        Segmenter.Validate(Segmentation!);
    }

    private static void Require(bool condition, string message, string subject)
    {
        if (!condition)
        {
            throw new DimeException(ErrorKind.InvalidArgument, message, subject);
        }
    }
}
