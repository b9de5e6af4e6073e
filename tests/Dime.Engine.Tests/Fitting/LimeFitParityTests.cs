using Dime.Engine.Fitting;
using Dime.Engine.Sampling;
using Dime.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Dime.Engine.Tests.Fitting;

/// <summary>The fit against LIME 0.2.0.1's lime_base run on sklearn 1.2.1 (see Fixtures/make_fixtures.py).</summary>
public sealed class LimeFitParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<(FeatureRows Rows, double[] Weights, double[] TextWeights, double[][] Targets, System.Text.Json.JsonElement Cases)> Data = new(Load);

    [Fact]
    public void Kernel_weights_match_LIME_image_and_text_kernels()
    {
        var (rows, weights, textWeights, _, _) = Data.Value;

        var ours = KernelWeights.Compute(rows, 0.25);

        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(weights[i], ours[i], 1e-12);
            Assert.Equal(textWeights[i], ours[i], 1e-12);
        }

        Assert.Equal(Math.Exp(-0.5 / (0.25 * 0.25)), ours[7], 1e-15);
    }

    public static TheoryData<string, int, int> Cases => new()
    {
        { "none", 9, 0 }, { "none", 9, 1 }, { "none", 9, 2 },
        { "forward_selection", 3, 0 }, { "forward_selection", 3, 1 }, { "forward_selection", 3, 2 },
        { "highest_weights", 4, 0 }, { "highest_weights", 4, 1 }, { "highest_weights", 4, 2 },
        { "auto", 5, 0 }, { "auto", 5, 1 }, { "auto", 5, 2 },
        { "auto", 7, 0 }, { "auto", 7, 1 }, { "auto", 7, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_matches_sklearn_ridge_as_LIME_calls_it(string method, int numFeatures, int target)
    {
        var (rows, weights, _, targets, cases) = Data.Value;
        var expected = cases.EnumerateArray().Single(c =>
            c.GetProperty("method").GetString() == method && c.GetProperty("num_features").GetInt32() == numFeatures && c.GetProperty("target").GetInt32() == target);
        var selection = method switch
        {
            "none" => FeatureSelection.None,
            "forward_selection" => FeatureSelection.Forward,
            "highest_weights" => FeatureSelection.HighestWeights,
            _ => FeatureSelection.Auto,
        };

        var fit = LimeFit.Fit(rows, weights, targets, new FitSettings(selection, numFeatures, 1.0))[target];

        var used = expected.GetProperty("used").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var coefficients = Fixture.Numbers(expected.GetProperty("coef"));
        Assert.Equal(used, fit.SelectedFeatures);
        var maxError = 0.0;
        for (var a = 0; a < used.Length; a++)
        {
            maxError = Math.Max(maxError, Math.Abs(coefficients[a] - fit.Weights[used[a]]));
        }

        Assert.All(Enumerable.Range(0, rows.Features).Except(used), j => Assert.Equal(0.0, fit.Weights[j]));
        maxError = Math.Max(maxError, Math.Abs(Fixture.Number(expected.GetProperty("intercept")) - fit.Intercept));
        maxError = Math.Max(maxError, Math.Abs(Fixture.Number(expected.GetProperty("score")) - fit.RSquared));
        maxError = Math.Max(maxError, Math.Abs(Fixture.Number(expected.GetProperty("local_pred")) - fit.LocalPrediction));
        output.WriteLine($"{method} k={numFeatures} target {target}: max abs error {maxError:E2}");
        Assert.True(maxError < 1e-6, $"max error {maxError}");
    }

    private static (FeatureRows, double[], double[], double[][], System.Text.Json.JsonElement) Load()
    {
        var fixture = Fixture.Json("lime_fit.json");
        var samples = fixture.GetProperty("samples").GetInt32();
        var features = fixture.GetProperty("features").GetInt32();
        var rows = new FeatureRows(samples, features);
        var values = fixture.GetProperty("rows").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray();
        values.CopyTo(rows.Values, 0);
        var targets = fixture.GetProperty("targets").EnumerateArray().Select(Fixture.Numbers).ToArray();
        return (rows, Fixture.Numbers(fixture.GetProperty("weights")), Fixture.Numbers(fixture.GetProperty("text_weights")), targets, fixture.GetProperty("cases"));
    }
}
