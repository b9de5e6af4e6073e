using Dime.Engine.Sampling;

namespace Dime.Engine.Fitting;

/// <summary>
/// LIME's sample weights: pi = sqrt(exp(-d^2 / w^2)) = exp(-d^2 / (2 w^2)) with the cosine distance between a row
/// with k of D features on and the all-ones row, d = 1 - sqrt(k / D) (1 for the empty row). lime_text measures
/// d * 100 against a width of 25, which is the same weight as w = 0.25 here.
/// </summary>
internal static class KernelWeights
{
    public static double[] Compute(FeatureRows rows, double kernelWidth)
    {
        var weights = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var distance = 1.0 - Math.Sqrt((double)rows.CountOn(i) / rows.Features);
            weights[i] = Math.Exp(-(distance * distance) / (2 * kernelWidth * kernelWidth));
        }

        return weights;
    }
}
