namespace Dime.Engine.Fitting;

public enum FeatureSelection
{
    /// <summary>LIME's 'auto': forward selection when at most 6 features are asked for, highest weights otherwise.</summary>
    Auto,
    Forward,
    HighestWeights,

    /// <summary>Every feature.</summary>
    None,
}

/// <summary>
/// One weighted linear surrogate: a weight per feature (0 for features not selected), the intercept, the weighted
/// R^2 on the samples and the surrogate's value at the unperturbed instance (all features on). Selected features
/// are listed in the order the selection picked them.
/// </summary>
public sealed record SurrogateFit(double[] Weights, double Intercept, double RSquared, double LocalPrediction, int[] SelectedFeatures);
