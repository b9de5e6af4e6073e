using Dime.Engine.Explanation;
using Dime.Engine.Imaging;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Dime.Engine.Tests.Explanation;

public sealed class InteractionAndConvergenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// f = [red patch present] XOR [word "red" present]. Over an R balanced in both cues g1 = g2 = mu = 0, so UC is
    /// constant and all of the signal is MI: the planted cell and the word "red" must top the MI weights, UC weights be 0.
    /// </summary>
    [Fact]
    public async Task Pure_interaction_model_puts_the_signal_in_MI_on_the_planted_patch_and_word()
    {
        var plain = Scenes.Pattern(32, 3);
        var planted = Scenes.WithPatch(plain, 10, 10, 4, Scenes.Red);
        var images = new List<RgbImage>();
        var texts = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            images.Add(i % 2 == 0 ? Scenes.WithPatch(Scenes.Pattern(32, i), 2 + i, 20, 5, Scenes.Red) : Scenes.Pattern(32, i));
            texts.Add(i / 2 % 2 == 0 ? $"a red thing number {i}" : $"a blue thing number {i}");
        }

        var model = EmapTests.XorModel();
        var prepared = await References.PrepareAsync(model, References.Of(images, texts));
        var options = new ExplainOptions { ImageSamples = 400, TextSamples = 400, Segmentation = new() { Method = SegmentationMethod.Grid, GridRows = 4, GridColumns = 4 }, Seed = 3 };
        var explanation = await DimeExplainer.ExplainAsync(model, new ExplainInstance(planted, "is there a red cube on the left"), prepared, options, null, CancellationToken.None);

        Assert.All(explanation.Instance.UC, uc => Assert.Equal(0, uc, 1e-6));
        var patchCell = explanation.Image!.Segmentation.LabelMap[(11 * 32) + 11];
        var image = explanation.Image.Labels[0];
        Assert.Equal(patchCell, RankOfTop(image.MI.Weights));
        Assert.All(image.UC.Weights, w => Assert.Equal(0, w, 1e-9));
        Assert.True(image.MI.RSquared > 0.99, $"R2 {image.MI.RSquared}");

        var text = explanation.Text!;
        var redFeature = Array.IndexOf(text.Features.Words, "red");
        Assert.Equal(redFeature, text.Labels[0].MI.SelectedFeatures[0]);
        Assert.Equal(redFeature, RankOfTop(text.Labels[0].MI.Weights));
        Assert.All(text.Labels[0].UC.Weights, w => Assert.Equal(0, w, 1e-9));
    }

    /// <summary>
    /// f = sum_s v_s * (mean red of cell s) / 255 with cells hidden in a constant grey c: f is exactly linear in z with
    /// weights v_s (m_s - c) / 255 and intercept sum_s v_s c / 255. The ridge surrogate's only error is alpha's
    /// shrinkage, which fades like 1/S.
    /// </summary>
    [Fact]
    public async Task Weights_of_a_model_linear_in_segment_means_converge_to_the_known_limit()
    {
        const int Cells = 9;
        var v = Enumerable.Range(0, Cells).Select(s => (s % 3) - 1 + (0.25 * s)).ToArray();
        var model = new FunctionModel(["y"], (image, _) => [(float)Enumerable.Range(0, Cells).Sum(s => v[s] * Scenes.CellMean(image, 3, 3, s, 0) / 255)]);
        var instance = Scenes.Pattern(24, 5);
        var hide = new RgbColor(90, 90, 90);
        var expected = Enumerable.Range(0, Cells).Select(s => v[s] * (Scenes.CellMean(instance, 3, 3, s, 0) - hide.R) / 255).ToArray();
        var expectedIntercept = v.Sum() * hide.R / 255;
        var prepared = await References.PrepareAsync(model, References.Of([Scenes.Pattern(24, 1), Scenes.Pattern(24, 2)], ["a", "b"]));

        var errors = new List<double>();
        foreach (var samples in new[] { 50, 200, 800, 3200 })
        {
            var options = new ExplainOptions
            {
                Modalities = Modalities.Image, ImageSamples = samples, HideMode = HideMode.Constant, HideColor = hide, RowsPerBatch = 400,
                Segmentation = new() { Method = SegmentationMethod.Grid, GridRows = 3, GridColumns = 3 }, Seed = 1,
            };
            var fit = (await DimeExplainer.ExplainAsync(model, new ExplainInstance(instance, "q"), prepared, options, null, CancellationToken.None)).Image!.Labels[0].M;
            var error = Math.Max(expected.Zip(fit.Weights, (a, b) => Math.Abs(a - b)).Max(), Math.Abs(expectedIntercept - fit.Intercept));
            output.WriteLine($"S = {samples}: max error {error:E3}");
            errors.Add(error);
        }

        for (var k = 1; k < errors.Count; k++)
        {
            Assert.True(errors[k] < errors[k - 1] / 2.5, $"error did not shrink: {string.Join(", ", errors)}");
        }

        Assert.True(errors[^1] < 0.01 * expected.Max(Math.Abs), $"final error {errors[^1]}");
    }

    private static int RankOfTop(double[] weights) => Enumerable.Range(0, weights.Length).MaxBy(j => Math.Abs(weights[j]));
}
