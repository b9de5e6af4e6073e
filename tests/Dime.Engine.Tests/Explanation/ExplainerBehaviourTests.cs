using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Explanation;

public sealed class ExplainerBehaviourTests
{
    private static FunctionModel Model() => new(["x", "y", "z"], (image, text) =>
        [(float)(Scenes.CellCorner(image, 3, 3, 4, 0) / 255 * text.Length / 10), (float)(Scenes.CellCorner(image, 3, 3, 0, 1) / 255), text.Length / 20f]);

    private static readonly ExplainInstance Instance = new(Scenes.Pattern(24, 0), "what color is the cube");

    private static ExplainOptions Options => new() { ImageSamples = 130, TextSamples = 70, RowsPerBatch = 25, Segmentation = new() { Method = SegmentationMethod.Grid, GridRows = 3, GridColumns = 3 } };

    private static Task<Disentanglement.PreparedReference> Prepare(FunctionModel model) =>
        References.PrepareAsync(model, References.Of([Scenes.Pattern(24, 1), Scenes.Pattern(24, 2), Scenes.Pattern(24, 3), Scenes.Pattern(24, 4)], ["a b", "c d e", "what color", "f"]));

    [Fact]
    public async Task Model_is_called_in_bounded_chunks_with_progress_after_each()
    {
        var model = Model();
        var prepared = await Prepare(model);
        var calls = model.Calls;
        var reports = new List<ExplainProgress>();

        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options, new SynchronousProgress(reports.Add), CancellationToken.None);

        Assert.Equal(2 + 6 + 3, model.Calls - calls);
        Assert.True(model.LargestCall <= 25 * 5, $"largest call {model.LargestCall} pairs");
        Assert.Equal(6, reports.Count(r => r.Phase == ExplainPhases.Image));
        Assert.Equal(3, reports.Count(r => r.Phase == ExplainPhases.Text));
        Assert.Equal(reports.Select(r => r.OverallFraction).Order(), reports.Select(r => r.OverallFraction));
        Assert.Equal(1.0, reports[^1].OverallFraction);
        Assert.Equal(130, explanation.Image!.Samples);
        Assert.Equal(70, explanation.Text!.Samples);
        Assert.Equal(3, explanation.Image.Labels.Length);
        Assert.Equal(["what", "color", "is", "the", "cube"], explanation.Text.Features.Words);
        Assert.Equal(Instance.Text, string.Concat(explanation.Text.Features.Tokens));
        Assert.True(explanation.Timings!.TotalMs > 0);
    }

    [Fact]
    public async Task Cancellation_is_honoured_between_chunks()
    {
        var model = Model();
        var prepared = await Prepare(model);
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Phase == ExplainPhases.Image && p.PhaseFraction > 0.3)
            {
                cancellation.Cancel();
            }
        });
        var calls = model.Calls;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DimeExplainer.ExplainAsync(model, Instance, prepared, Options, progress, cancellation.Token));
        Assert.Equal(2 + 2, model.Calls - calls);
    }

    [Fact]
    public async Task Only_the_requested_labels_are_explained_and_all_labels_decomposed()
    {
        var model = Model();
        var prepared = await Prepare(model);

        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options with { Labels = [2, 0] }, null, CancellationToken.None);

        Assert.Equal([2, 0], explanation.Image!.Labels.Select(l => l.Label));
        Assert.Equal(["z", "x"], explanation.Text!.Labels.Select(l => l.Name));
        Assert.Equal(3, explanation.Instance.F.Length);
    }

    [Fact]
    public async Task Many_labels_shrink_the_calls_to_the_logit_budget_and_keep_the_values()
    {
        const int Labels = 3129;
        var names = Enumerable.Range(0, Labels).Select(i => $"l{i}").ToArray();
        var many = new FunctionModel(names, (image, text) =>
        {
            var logits = new float[Labels];
            logits[7] = (float)(Scenes.CellCorner(image, 3, 3, 4, 0) / 255 * text.Length / 10);
            logits[3000] = text.Length / 20f;
            return logits;
        });
        var few = Model();
        var options = Options with { RowsPerBatch = 256, Labels = [7, 3000] };
        var prepared = await Prepare(many);
        var calls = many.Calls;

        var explanation = await DimeExplainer.ExplainAsync(many, Instance, prepared, options, null, CancellationToken.None);
        var reference = await DimeExplainer.ExplainAsync(few, Instance, await Prepare(few), Options with { RowsPerBatch = 256, Labels = [0, 2] }, null, CancellationToken.None);

        // 8,000,000 logits / (5 partners x 3129 labels) = 511 rows: 130 image rows and 70 text rows fit one call each
        Assert.Equal(511, Disentanglement.PerturbationPasses.RowsWithinBudget(1000, 5, Labels));
        Assert.Equal(256, Disentanglement.PerturbationPasses.RowsWithinBudget(256, 101, 21));
        Assert.Equal(25, Disentanglement.PerturbationPasses.RowsWithinBudget(256, 101, Labels));
        Assert.Equal(1, Disentanglement.PerturbationPasses.RowsWithinBudget(256, 1_000_000, Labels));
        Assert.Equal(2 + 1 + 1, many.Calls - calls);
        Assert.Equal(reference.Image!.Labels[0].M.Weights, explanation.Image!.Labels[0].M.Weights);
        Assert.Equal(reference.Text!.Labels[1].UC.Weights, explanation.Text!.Labels[1].UC.Weights);
    }

    public static TheoryData<ExplainOptions> BadOptions => new()
    {
        Options with { ImageSamples = 1 },
        Options with { Labels = [3] },
        Options with { Labels = [0, 0] },
        Options with { KernelWidth = 0 },
        Options with { RidgeAlpha = -1 },
        Options with { Seed = -5 },
        Options with { TextPerturbation = TextPerturbation.MaskToken, MaskToken = "" },
        Options with { RowsPerBatch = 0 },
        Options with { TextFeatureCount = 0 },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_options_are_rejected_with_InvalidArgument(ExplainOptions options)
    {
        var model = Model();
        var prepared = await Prepare(model);

        var error = await Assert.ThrowsAsync<DimeException>(() => DimeExplainer.ExplainAsync(model, Instance, prepared, options, null, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public async Task A_text_without_words_and_a_model_that_returns_NaN_give_typed_errors()
    {
        var model = Model();
        var prepared = await Prepare(model);
        var noWords = await Assert.ThrowsAsync<DimeException>(() => DimeExplainer.ExplainAsync(model, Instance with { Text = " ?! " }, prepared, Options, null, CancellationToken.None));
        Assert.Equal(ErrorKind.TextInvalid, noWords.Kind);

        var broken = new FunctionModel(["x", "y", "z"], (_, _) => [float.NaN, 0, 0]);
        var invalid = await Assert.ThrowsAsync<DimeException>(() => DimeExplainer.ExplainAsync(broken, Instance, prepared, Options, null, CancellationToken.None));
        Assert.Equal(ErrorKind.ModelOutputInvalid, invalid.Kind);
    }

    /// <summary>Reports synchronously on the caller's thread, unlike Progress&lt;T&gt;.</summary>
    private sealed class SynchronousProgress(Action<ExplainProgress> report) : IProgress<ExplainProgress>
    {
        public void Report(ExplainProgress value) => report(value);
    }
}
