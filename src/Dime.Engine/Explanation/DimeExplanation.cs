using Dime.Engine.Fitting;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;

namespace Dime.Engine.Explanation;

/// <summary>The instance to explain. The image key lets a split model reuse the image's encoding.</summary>
public sealed record ExplainInstance(Imaging.RgbImage Image, string Text, string? ImageCacheKey = null);

/// <summary>
/// The instance evaluated against a reference set (<see cref="DimeExplainer.EvaluateInstanceAsync"/>): the decomposition,
/// whose F is the prediction, and the terms f(a*, b_j), f(a_i, b*) laid out [partner * labels + label].
/// </summary>
public sealed class InstanceEvaluation
{
    private readonly Models.IMultimodalModel _model;
    private readonly ExplainInstance _instance;
    private readonly Disentanglement.PreparedReference _reference;

    internal InstanceEvaluation(
        Models.IMultimodalModel model, ExplainInstance instance, Disentanglement.PreparedReference reference, InstanceDecomposition values,
        double[] withPartnerTexts, double[] withPartnerImages, TimeSpan elapsed, TimeSpan modelTime)
    {
        _model = model;
        _instance = instance;
        _reference = reference;
        Values = values;
        WithPartnerTexts = withPartnerTexts;
        WithPartnerImages = withPartnerImages;
        Elapsed = elapsed;
        ModelTime = modelTime;
    }

    public InstanceDecomposition Values { get; }

    internal double[] WithPartnerTexts { get; }

    internal double[] WithPartnerImages { get; }

    public TimeSpan Elapsed { get; }

    public TimeSpan ModelTime { get; }

    internal bool IsOf(Models.IMultimodalModel model, ExplainInstance instance, Disentanglement.PreparedReference reference) =>
        ReferenceEquals(_model, model) && ReferenceEquals(_reference, reference) && _instance == instance;
}

/// <summary>
/// A DIME explanation: for each modality and label, LIME surrogates of the model output (M), of its unimodal
/// contributions (UC) and of its multimodal interactions (MI); the instance's own decomposition; and how it was made.
/// </summary>
public sealed record DimeExplanation(
    int Seed,
    IReadOnlyList<string> LabelNames,
    int[] Labels,
    InstanceDecomposition Instance,
    ImageExplanation? Image,
    TextExplanation? Text,
    int ReferenceSize,
    ExplainOptions Options,
    PhaseTimings? Timings);

/// <summary>
/// The instance's values for every label of the model (index = label): f, g1(a*), g2(b*), mu, UC = g1 + g2 - mu and
/// MI = f - UC.
/// </summary>
public sealed record InstanceDecomposition(double[] F, double[] G1, double[] G2, double[] Mu, double[] UC, double[] MI);

/// <summary>The surrogates of one label; weights index the modality's features (segments or words).</summary>
public sealed record LabelExplanation(int Label, string Name, SurrogateFit M, SurrogateFit UC, SurrogateFit MI);

/// <summary>The image's surrogates; Samples is the rows fitted (fewer than asked when untilStable stopped early).</summary>
public sealed record ImageExplanation(int Samples, SegmentationInfo Segmentation, LabelExplanation[] Labels)
{
    public RowSampling? Sampling { get; init; }

    /// <summary>Stability of every part from a bootstrap over the rows (null when turned off).</summary>
    public Quality.BootstrapReport? Bootstrap { get; init; }
}

/// <summary>
/// How a modality's rows were made: rows planned and fitted, whether untilStable stopped early (and the last
/// convergence between partial fits), the partner estimator (null: exact) with its k out of N, the (image, text)
/// pairs evaluated for the rows.
/// </summary>
public sealed record RowSampling(
    int PlannedRows, int Rows, bool StoppedEarly, Convergence? LastConvergence, Disentanglement.PartnerEstimator? Estimator, int Partners, int ReferenceSize,
    long PairPasses);

/// <summary>The superpixels: a label per pixel, row-major, and the parameters (seed included) that reproduce them.</summary>
public sealed record SegmentationInfo(int Width, int Height, int Count, int[] LabelMap, SegmentationParameters Parameters);

public sealed record TextExplanation(int Samples, TextFeatureInfo Features, LabelExplanation[] Labels)
{
    public RowSampling? Sampling { get; init; }

    public Quality.BootstrapReport? Bootstrap { get; init; }
}

/// <summary>
/// The words that are features (index = feature) and the text as tokens, words and separators alternating, with each
/// token's feature index (-1 for separators): concatenating the tokens gives the text back.
/// </summary>
public sealed record TextFeatureInfo(TextFeatureMode Mode, string[] Words, string[] Tokens, int[] TokenFeatures);

/// <summary>
/// Milliseconds per phase. Model: time inside model calls, which includes the rendering of perturbed images that
/// the model asked for (Rendering, summed over threads). Perturbation: building the hidden image and the runs.
/// </summary>
public sealed record PhaseTimings(
    double InstanceMs,
    double SegmentationMs,
    double SamplingMs,
    double PerturbationMs,
    double RenderingMs,
    double ModelMs,
    double DisentanglementMs,
    double FittingMs,
    double TotalMs)
{
    /// <summary>The bootstrap stability's refits, all modalities (part of FittingMs).</summary>
    public double BootstrapMs { get; init; }

    /// <summary>When the first partial fit was reported, from the start of the explanation; null without partial results.</summary>
    public double? FirstPartialMs { get; init; }

    /// <summary>Everything the engine itself spent, the model's own work excluded.</summary>
    public double EngineMs => TotalMs - ModelMs + RenderingMs;
}
