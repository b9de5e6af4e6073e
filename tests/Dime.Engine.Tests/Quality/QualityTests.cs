using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Quality;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Quality;

public sealed class QualityTests
{
    [Fact]
    public void Rank_statistics()
    {
        Assert.Equal(1.0, RankStatistics.Spearman([1, 2, 3, 4], [10, 20, 30, 40]), 12);
        Assert.Equal(-1.0, RankStatistics.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), 12);
        Assert.Equal(1.0, RankStatistics.Spearman([0, 0, 0], [0, 0, 0]));
        Assert.Equal(0.0, RankStatistics.Spearman([0, 0, 0], [1, 2, 3]));
        Assert.Equal(0.5, RankStatistics.TopKOverlap([5, -4, 0, 0], [5, 0, 4, 0], 2));
        Assert.Equal([1, 0], RankStatistics.TopK([1, -3, 0], 2));
    }

    private static async Task<(FunctionModel Model, Disentanglement.PreparedReference Reference, ExplainInstance Instance)> XorSetup()
    {
        var images = new List<RgbImage>();
        var texts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            images.Add(i % 2 == 0 ? Scenes.WithPatch(Scenes.Pattern(24, i), 2, 2, 4, Scenes.Red) : Scenes.Pattern(24, i));
            texts.Add(i / 2 == 0 ? $"the red one {i}" : $"the blue one {i}");
        }

        var model = Explanation.EmapTests.XorModel();
        var prepared = await References.PrepareAsync(model, References.Of(images, texts));
        return (model, prepared, new ExplainInstance(Scenes.WithPatch(Scenes.Pattern(24, 7), 9, 9, 4, Scenes.Red), "is there a red cube"));
    }

    private static readonly ExplainOptions Options = new()
    {
        ImageSamples = 200, TextSamples = 200, Segmentation = new() { Method = SegmentationMethod.Grid, GridRows = 3, GridColumns = 3 },
        TextFeatureSelection = FeatureSelection.None,
    };

    [Fact]
    public async Task Stability_is_high_for_a_clear_signal_and_seeds_are_consecutive()
    {
        var (model, prepared, instance) = await XorSetup();

        var report = await StabilityAnalysis.RunAsync(model, instance, prepared, Options with { Seed = 10 }, 3, 1, null, CancellationToken.None);

        Assert.Equal([10, 11, 12], report.Seeds);
        Assert.Equal(1.0, report.Image![0].MI.MeanTopKOverlap);
        Assert.Equal(1.0, report.Text![0].MI.MeanTopKOverlap);
        Assert.Equal(1.0, report.Image[0].UC.MeanSpearman);
        Assert.InRange(report.Image[0].M.MeanSpearman, -1, 1);
    }

    [Fact]
    public async Task Deleting_the_top_MI_feature_flips_the_interaction_and_inserting_it_restores_it()
    {
        var (model, prepared, instance) = await XorSetup();
        var explanation = await DimeExplainer.ExplainAsync(model, instance, prepared, Options, null, CancellationToken.None);
        var patchCell = explanation.Image!.Segmentation.LabelMap[(10 * 24) + 10];

        // "no" holds at the instance (red patch XOR the word red is false) and only through their interaction.
        var no = explanation.Image.Labels[1];
        var curves = await DeletionInsertion.RunAsync(model, instance, prepared, explanation, Modalities.Image, 1, ExplanationPart.MI, 100, CancellationToken.None);

        Assert.Equal(9, curves.Fractions.Length - 1);
        Assert.Equal(patchCell, curves.Order[0]);
        Assert.Equal(no.MI.Weights.Max(), no.MI.Weights[curves.Order[0]]);
        Assert.Equal(explanation.Instance.MI[1], curves.Deletion[0], 1e-6);
        Assert.All(curves.Deletion[1..], v => Assert.Equal(-explanation.Instance.MI[1], v, 1e-6));
        Assert.Equal(curves.Deletion[^1], curves.Insertion[0], 1e-6);
        Assert.All(curves.Insertion[1..], v => Assert.Equal(explanation.Instance.MI[1], v, 1e-6));
        Assert.True(curves.InsertionAuc > 0.7 && curves.DeletionAuc < -0.7, $"insertion {curves.InsertionAuc}, deletion {curves.DeletionAuc}");

        var text = await DeletionInsertion.RunAsync(model, instance, prepared, explanation, Modalities.Text, 1, ExplanationPart.MI, 2, CancellationToken.None);
        Assert.Equal([0, 0.4, 1], text.Fractions);
        Assert.Equal(Array.IndexOf(explanation.Text!.Features.Words, "red"), text.Order[0]);
    }
}
