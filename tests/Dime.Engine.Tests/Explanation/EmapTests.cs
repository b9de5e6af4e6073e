using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Imaging;
using Dime.Engine.Perturbation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Explanation;

public sealed class EmapTests
{
    private static readonly double[,] WorkedExample = { { -1.3, 0.3, -0.2 }, { 0.8, 3.0, 1.1 }, { 1.1, -0.1, 0.7 } };

    /// <summary>The same numbers through a model: f(a_i, b_j) = table[i, j], identified by the image's colour and the text.</summary>
    [Fact]
    public async Task Worked_example_through_a_model_gives_mu_the_projection_and_the_instance_decomposition()
    {
        var images = Enumerable.Range(0, 3).Select(i => Scenes.Filled(8, new RgbColor((byte)(10 * (i + 1)), 0, 0))).ToArray();
        string[] texts = ["zero", "one", "two"];
        var model = new FunctionModel(["c"], (image, text) => [(float)WorkedExample[(image.Pixels[0] / 10) - 1, Array.IndexOf(texts, text)]]);
        var prepared = await References.PrepareAsync(model, References.Of(images, texts, ["c", "c", "c"]));

        Assert.Equal(0.6, prepared.Mu[0], 1e-6);
        var report = EmapAnalysis.Analyze(prepared);
        var projected = Enumerable.Range(0, 3).Select(i => prepared.ImageMeans[i] + prepared.TextMeans[i] - prepared.Mu[0]).ToArray();
        Assert.Equal([-0.8, 2.1, 0.5], projected, (a, b) => Math.Abs(a - b) < 1e-6);

        var explanation = await DimeExplainer.ExplainAsync(
            model, new ExplainInstance(images[1], "one"), prepared,
            new ExplainOptions { Modalities = Modalities.Image, ImageSamples = 10, Segmentation = new() { Method = Engine.Segmentation.SegmentationMethod.Grid, GridRows = 2, GridColumns = 2 } },
            null, CancellationToken.None);
        Assert.Equal(3.0, explanation.Instance.F[0], 1e-6);
        Assert.Equal(2.1, explanation.Instance.UC[0], 1e-6);
        Assert.Equal(0.9, explanation.Instance.MI[0], 1e-6);
        Assert.Equal(3, report.Samples);
    }

    /// <summary>A model that answers by XOR of two cues is perfect; its additive projection cannot be better than chance.</summary>
    [Fact]
    public async Task Emap_gap_of_an_interaction_model_is_large_and_interaction_reliant_samples_come_first()
    {
        var plain = Scenes.Filled(16, Scenes.Grey);
        var red = Scenes.WithPatch(plain, 4, 4, 8, Scenes.Red);
        var images = new List<RgbImage>();
        var texts = new List<string>();
        var answers = new List<string?>();
        for (var i = 0; i < 8; i++)
        {
            var hasRed = i % 2 == 0;
            var saysRed = i / 2 % 2 == 0;
            images.Add(hasRed ? red : plain);
            texts.Add(saysRed ? $"is it red {i}" : $"is it blue {i}");
            answers.Add(hasRed ^ saysRed ? "yes" : "no");
        }

        var model = XorModel();
        var report = await EmapAnalysis.AnalyzeAsync(model, References.Of(images, texts, answers), null, CancellationToken.None);

        Assert.Equal(1.0, report.Accuracy);
        Assert.True(report.ProjectedAccuracy <= 0.5, $"projected accuracy {report.ProjectedAccuracy}");
        Assert.True(report.Gap >= 0.5);
        Assert.All(report.Labels, l => Assert.True(l.InteractionShare > 0.9, $"{l.Name}: {l.InteractionShare}"));
        Assert.Equal(report.SamplesByInteraction.Select(s => s.InteractionShare).OrderDescending(), report.SamplesByInteraction.Select(s => s.InteractionShare));
    }

    internal static FunctionModel XorModel() => new(["yes", "no"], (image, text) =>
    {
        var xor = (Scenes.CountRed(image) >= 10) ^ Scenes.HasWord(text, "red");
        return xor ? [1f, -1f] : [-1f, 1f];
    });
}
