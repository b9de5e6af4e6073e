using Dime.Engine.Explanation;
using Dime.Engine.Models;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Explanation;

/// <summary>
/// f at the instance is evaluated once per explanation: a caller that needs the prediction first (to choose the
/// labels) evaluates the instance with <see cref="DimeExplainer.EvaluateInstanceAsync"/> and hands the evaluation to
/// the explainer, which does not evaluate it again (issue 13, item 4).
/// </summary>
public sealed class InstanceEvaluationTests
{
    private const string Key = "the-instance";

    private static readonly ExplainInstance Instance = new(Scenes.Pattern(24, 0), "what color is the cube", Key);

    private static readonly ExplainOptions ImageOnly = new()
    {
        Modalities = Modalities.Image, ImageSamples = 90, RowsPerBatch = 30, Seed = 4, Segmentation = new() { Method = SegmentationMethod.Grid, GridRows = 3, GridColumns = 3 },
    };

    [Fact]
    public async Task Evaluating_the_instance_first_evaluates_it_once_and_explains_the_same()
    {
        var (model, prepared) = await Prepare();
        var alone = await DimeExplainer.ExplainAsync(model, Instance, prepared, ImageOnly, null, CancellationToken.None);
        Assert.Equal(1, model.InstancePairs);

        var (counted, preparedAgain) = await Prepare();
        var evaluated = await DimeExplainer.EvaluateInstanceAsync(counted, Instance, preparedAgain, CancellationToken.None);
        Assert.Equal(1, counted.InstancePairs);
        var explained = await DimeExplainer.ExplainAsync(counted, Instance, preparedAgain, ImageOnly, evaluated, null, CancellationToken.None);

        Assert.Equal(1, counted.InstancePairs);
        Assert.Same(evaluated.Values, explained.Instance);
        Assert.Equal(alone.Instance.F, explained.Instance.F);
        Assert.Equal(alone.Instance.MI, explained.Instance.MI);
        Assert.Equal(model.Pairs, counted.Pairs);
        for (var l = 0; l < alone.Image!.Labels.Length; l++)
        {
            Assert.Equal(alone.Image.Labels[l].MI.Weights, explained.Image!.Labels[l].MI.Weights);
        }

        Assert.True(explained.Timings!.InstanceMs > 0, "the evaluation's time counts as the instance phase");
    }

    [Fact]
    public async Task An_evaluation_of_another_instance_is_refused()
    {
        var (model, prepared) = await Prepare();
        var evaluated = await DimeExplainer.EvaluateInstanceAsync(model, Instance, prepared, CancellationToken.None);
        var other = Instance with { Text = "what shape is the cube" };

        await Assert.ThrowsAsync<ArgumentException>(() => DimeExplainer.ExplainAsync(model, other, prepared, ImageOnly, evaluated, null, CancellationToken.None));
    }

    private static async Task<(InstanceCountingModel Model, Disentanglement.PreparedReference Prepared)> Prepare()
    {
        var inner = new FunctionModel(["x", "y", "z"], (image, text) =>
            [(float)(Scenes.CellCorner(image, 3, 3, 4, 0) / 255 * text.Length / 10), (float)(Scenes.CellCorner(image, 3, 3, 0, 1) / 255), text.Length / 20f]);
        var model = new InstanceCountingModel(inner);
        var prepared = await References.PrepareAsync(model, References.Of([Scenes.Pattern(24, 1), Scenes.Pattern(24, 2), Scenes.Pattern(24, 3)], ["a b", "c d e", "what color"]));
        model.Reset();
        return (model, prepared);
    }

    /// <summary>Counts the pairs that are the instance itself: its image (by its cache key) with its text.</summary>
    private sealed class InstanceCountingModel(FunctionModel inner) : IMultimodalModel
    {
        private int _instancePairs;
        private long _pairs;

        public IReadOnlyList<string> Labels => inner.Labels;

        public int InstancePairs => _instancePairs;

        public long Pairs => _pairs;

        public void Reset() => (_instancePairs, _pairs) = (0, 0);

        public Task<LogitGrid> EvaluateGridAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _pairs, (long)images.Count * texts.Count);
            for (var i = 0; i < images.Count; i++)
            {
                if (images.CacheKey(i) == Key)
                {
                    Interlocked.Add(ref _instancePairs, texts.Count(t => t == Instance.Text));
                }
            }

            return inner.EvaluateGridAsync(images, texts, cancellationToken);
        }
    }
}
