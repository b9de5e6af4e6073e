using System.Text.Json;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Explanation;

/// <summary>The identities of method.md section 4, checked on in-memory models.</summary>
public sealed class DimeIdentityTests
{
    private const int Size = 32;
    private static readonly string[] Questions = ["is there a red cube", "what color is the sphere", "how many cubes are there", "is the cube left of the red sphere"];
    private static readonly SegmentationOptions Grid4 = new() { Method = SegmentationMethod.Grid, GridRows = 4, GridColumns = 4 };

    /// <summary>Not additive in any way: products of image and text terms, plus unimodal terms.</summary>
    private static FunctionModel InteractingModel() => new(["yes", "no", "red"], (image, text) =>
    {
        var red = Scenes.CellCorner(image, 4, 4, 5, 0) / 255;
        var green = Scenes.CellCorner(image, 4, 4, 10, 1) / 255;
        var hasRed = Scenes.HasWord(text, "red") ? 1.0 : 0.0;
        var hasCube = Scenes.HasWord(text, "cube") ? 1.0 : 0.0;
        return [(float)((2 * red * hasRed) + green - (0.5 * hasCube)), (float)(Math.Sin(3 * red) * (1 + hasCube)), (float)((red * green * 4) + (hasRed * green))];
    });

    private static FunctionModel AdditiveModel() => new(["a", "b"], (image, text) =>
    {
        var h1 = (Scenes.CellCorner(image, 4, 4, 5, 0) / 255) - (2 * Scenes.CellCorner(image, 4, 4, 10, 1) / 255);
        var h2 = (Scenes.HasWord(text, "red") ? 1.5 : 0) - (Scenes.HasWord(text, "cube") ? 0.7 : 0) + (text.Length * 0.01);
        return [(float)(h1 + h2), (float)((3 * h1) - h2)];
    });

    private static ReferenceSet Reference(int n = 6) =>
        References.Of(Enumerable.Range(0, n).Select(i => Scenes.Pattern(Size, i + 1)).ToArray(), Enumerable.Range(0, n).Select(i => Questions[i % Questions.Length] + (i >= Questions.Length ? " now" : "")).ToArray());

    private static ExplainInstance Instance => new(Scenes.Pattern(Size, 0), "is the red cube left of the green cube", "instance");

    private static ExplainOptions Options => new() { ImageSamples = 300, TextSamples = 300, Segmentation = Grid4, Seed = 11, RowsPerBatch = 50, TextFeatureSelection = FeatureSelection.None };

    [Fact]
    public async Task UC_plus_MI_equals_M_for_every_row_label_and_the_instance()
    {
        var model = InteractingModel();
        var prepared = await References.PrepareAsync(model, Reference());
        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options, null, CancellationToken.None);

        var d = explanation.Instance;
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(d.F[c], d.UC[c] + d.MI[c], 1e-12);
            Assert.Equal(d.G1[c] + d.G2[c] - d.Mu[c], d.UC[c], 1e-12);
        }

        // Per row, through the same passes the explainer uses, against a brute-force evaluation of g1 and f.
        var segmentation = Segmenter.Segment(Instance.Image, Grid4, 0);
        var hiding = new ImageHiding(Instance.Image, segmentation, HideMode.SegmentMean, default, 1);
        var rows = RowSampler.Image(40, segmentation.Count, new Xoshiro256StarStar(5, 1));
        var values = new RowValues(rows.Count, 3);
        await PerturbationPasses.ImageRowsAsync(model, hiding, rows, 0, rows.Count, PartnerPlan.Exact(prepared.Count), prepared.Reference, Instance.Text, [0, 1, 2], 7, values, new PassClock(), _ => { }, CancellationToken.None);
        var targets = DimeExplainer.Decompose(values, d.G2, d.Mu, [0, 1, 2]).ToArray();
        for (var s = 0; s < rows.Count; s++)
        {
            var pixels = new byte[Size * Size * 3];
            hiding.Render(rows.Row(s), pixels);
            var perturbed = new RgbImage(Size, Size, pixels);
            var f = await model.EvaluateGridAsync(new ImageList([perturbed]), [.. prepared.Reference.Texts, Instance.Text], CancellationToken.None);
            for (var c = 0; c < 3; c++)
            {
                var g1 = Enumerable.Range(0, prepared.Count).Average(j => (double)f[0, j, c]);
                Assert.Equal(f[0, prepared.Count, c], targets[c].M[s], 1e-6);
                Assert.Equal(g1 + d.G2[c] - d.Mu[c], targets[c].UC[s], 1e-6);
                Assert.Equal(targets[c].M[s], targets[c].UC[s] + targets[c].MI[s], 1e-12);
            }
        }

        Assert.Equal(d.F[0], targets[0].M[0], 1e-6);
    }

    [Fact]
    public async Task Additive_model_has_zero_MI_weights_and_UC_weights_equal_to_M_weights()
    {
        var model = AdditiveModel();
        var prepared = await References.PrepareAsync(model, Reference());
        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options, null, CancellationToken.None);

        foreach (var label in explanation.Image!.Labels.Concat(explanation.Text!.Labels))
        {
            Assert.All(label.MI.Weights, w => Assert.True(Math.Abs(w) < 1e-5, $"MI weight {w}"));
            Assert.Equal(label.M.Weights, label.UC.Weights, (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Contains(label.M.Weights, w => Math.Abs(w) > 0.05);
        }

        Assert.All(explanation.Instance.MI, mi => Assert.True(Math.Abs(mi) < 1e-5));
    }

    [Fact]
    public async Task With_all_features_the_fit_is_linear_in_the_target()
    {
        var model = InteractingModel();
        var prepared = await References.PrepareAsync(model, Reference());
        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options, null, CancellationToken.None);

        foreach (var label in explanation.Image!.Labels.Concat(explanation.Text!.Labels))
        {
            for (var j = 0; j < label.M.Weights.Length; j++)
            {
                Assert.Equal(label.M.Weights[j], label.UC.Weights[j] + label.MI.Weights[j], 1e-9);
            }

            Assert.Equal(label.M.Intercept, label.UC.Intercept + label.MI.Intercept, 1e-9);
            Assert.Equal(label.M.LocalPrediction, label.UC.LocalPrediction + label.MI.LocalPrediction, 1e-9);
            Assert.Contains(label.MI.Weights, w => Math.Abs(w) > 1e-3);
        }
    }

    [Fact]
    public async Task Same_seed_gives_bit_identical_results_and_another_seed_does_not()
    {
        var model = InteractingModel();
        var prepared = await References.PrepareAsync(model, Reference());
        var options = Options with { TextFeatureSelection = FeatureSelection.Auto, TextFeatureCount = 3, ImageFeatureSelection = FeatureSelection.HighestWeights, ImageFeatureCount = 8, Segmentation = new SegmentationOptions { Method = SegmentationMethod.Quickshift } };

        var first = await DimeExplainer.ExplainAsync(model, Instance, prepared, options, null, CancellationToken.None);
        var second = await DimeExplainer.ExplainAsync(model, Instance, prepared, options, null, CancellationToken.None);
        var other = await DimeExplainer.ExplainAsync(model, Instance, prepared, options with { Seed = 12 }, null, CancellationToken.None);

        static string Json(DimeExplanation e) => JsonSerializer.Serialize(e with { Timings = null });
        Assert.Equal(Json(first), Json(second));
        Assert.NotEqual(Json(first), Json(other));
        Assert.Equal(11, first.Seed);
        Assert.InRange(first.Image!.Segmentation.Parameters.QuickshiftSeed, 0, 999);
    }
}
