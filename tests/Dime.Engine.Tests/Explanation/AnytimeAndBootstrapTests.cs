using System.Text.Json;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Explanation;

/// <summary>Partial results as rows arrive, untilStable, and the bootstrap stability that comes with every result.</summary>
public sealed class AnytimeAndBootstrapTests
{
    private const int Size = 32;
    private static readonly SegmentationOptions Grid3 = new() { Method = SegmentationMethod.Grid, GridRows = 3, GridColumns = 3 };

    /// <summary>A clear signal: the red in cell 4 and the word "red", each on its own and together.</summary>
    private static FunctionModel ClearModel() => new(["yes", "no"], (image, text) =>
    {
        var red = Scenes.CellCorner(image, 3, 3, 4, 0) / 255;
        var hasRed = Scenes.HasWord(text, "red") ? 1.0 : 0.0;
        var hasCube = Scenes.HasWord(text, "cube") ? 1.0 : 0.0;
        return [(float)((2 * red) + (3 * red * hasRed) + hasCube), (float)(red - hasRed)];
    });

    /// <summary>Every cell matters, each by a different amount: a clear ranking of all features.</summary>
    private static FunctionModel RankedModel() => new(["a", "b"], (image, text) =>
    {
        var sum = 0.0;
        for (var cell = 0; cell < 9; cell++)
        {
            sum += (cell + 1) * Scenes.CellCorner(image, 3, 3, cell, 0) / 255;
        }

        return [(float)sum, (float)(sum * text.Length / 10)];
    });

    /// <summary>Logits that are a hash of the inputs: nothing for a surrogate to find.</summary>
    private static FunctionModel NoiseModel() => new(["a", "b"], (image, text) =>
    {
        // FNV-1a, not HashCode (which is seeded per process): the same inputs give the same noise in every run.
        var hash = 2166136261u;
        foreach (var b in image.Pixels.Concat(System.Text.Encoding.UTF8.GetBytes(text)))
        {
            hash = (hash ^ b) * 16777619u;
        }

        var random = new Random((int)hash);
        return [(float)random.NextDouble(), (float)random.NextDouble()];
    });

    private static async Task<PreparedReference> PrepareAsync(FunctionModel model) => await References.PrepareAsync(model, References.Of(
        [.. Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? Scenes.WithPatch(Scenes.Pattern(Size, i), 12, 12, 8, Scenes.Red) : Scenes.Pattern(Size, i))],
        [.. Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? $"is the cube red {i}" : $"what is left of the sphere {i}")]));

    private static ExplainInstance Instance => new(Scenes.WithPatch(Scenes.Pattern(Size, 9), 12, 12, 8, Scenes.Red), "is the small red cube left of the sphere", "instance");

    private static ExplainOptions Options => new()
    {
        ImageSamples = 300, TextSamples = 300, Segmentation = Grid3, Seed = 4, RowsPerBatch = 64, TextFeatureSelection = FeatureSelection.None,
    };

    private sealed class Recorder : IProgress<ExplainProgress>
    {
        public List<PartialExplanation> Partials { get; } = [];

        public void Report(ExplainProgress value)
        {
            if (value.Partial is { } partial)
            {
                Partials.Add(partial);
            }
        }
    }

    /// <summary>The result without its timings, options and sampling record (which holds the last convergence).</summary>
    private static string Json(DimeExplanation e) =>
        JsonSerializer.Serialize(e with { Timings = null, Options = Options, Image = e.Image! with { Sampling = null }, Text = e.Text! with { Sampling = null } });

    [Fact]
    public void Checkpoints_are_100_250_500_then_every_250()
    {
        Assert.Equal([100, 250, 500, 750, 1000], AnytimeSchedule.Checkpoints(1000, partial: true));
        Assert.Equal([100, 250, 500, 750, 1000, 1100], AnytimeSchedule.Checkpoints(1100, partial: true));
        Assert.Equal([80], AnytimeSchedule.Checkpoints(80, partial: true));
        Assert.Equal([1000], AnytimeSchedule.Checkpoints(1000, partial: false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public async Task Partials_are_the_fits_of_the_rows_so_far_and_leave_the_result_unchanged(int? partners)
    {
        var model = ClearModel();
        var prepared = await PrepareAsync(model);
        var options = Options with { Partners = partners };
        var recorder = new Recorder();
        var withPartials = await DimeExplainer.ExplainAsync(model, Instance, prepared, options with { PartialResults = true }, recorder, CancellationToken.None);
        var without = await DimeExplainer.ExplainAsync(model, Instance, prepared, options, null, CancellationToken.None);
        var first100 = await DimeExplainer.ExplainAsync(model, Instance, prepared, options with { ImageSamples = 100, TextSamples = 100 }, null, CancellationToken.None);

        Assert.Equal(Json(without), Json(withPartials));
        Assert.Equal([(Modalities.Image, 100), (Modalities.Image, 250), (Modalities.Text, 100), (Modalities.Text, 250)], recorder.Partials.Select(p => (p.Modality, p.Rows)));
        Assert.Null(recorder.Partials[0].Convergence);
        Assert.NotNull(recorder.Partials[1].Convergence);
        Assert.NotNull(recorder.Partials[0].Segmentation);
        Assert.NotNull(recorder.Partials[2].Features);
        for (var l = 0; l < 2; l++)
        {
            Assert.Equal(first100.Image!.Labels[l].MI.Weights, recorder.Partials[0].Labels[l].MI.Weights);
            Assert.Equal(first100.Text!.Labels[l].UC.Weights, recorder.Partials[2].Labels[l].UC.Weights);
        }

        Assert.NotNull(withPartials.Timings!.FirstPartialMs);
        Assert.Null(without.Timings!.FirstPartialMs);
    }

    [Fact]
    public async Task Until_stable_stops_a_clear_signal_early_and_says_so()
    {
        var model = ClearModel();
        var prepared = await PrepareAsync(model);
        var options = Options with { ImageSamples = 3000, TextSamples = 3000, UntilStable = true };
        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, options, null, CancellationToken.None);

        foreach (var sampling in new[] { explanation.Image!.Sampling!, explanation.Text!.Sampling! })
        {
            Assert.True(sampling.StoppedEarly);
            Assert.InRange(sampling.Rows, 250, 2999);
            Assert.Equal(3000, sampling.PlannedRows);
            Assert.True(sampling.LastConvergence!.IsStable);
        }

        var rows = explanation.Image.Samples;
        var same = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options with { ImageSamples = rows, TextSamples = explanation.Text.Samples }, null, CancellationToken.None);
        Assert.Equal(same.Image!.Labels[0].MI.Weights, explanation.Image.Labels[0].MI.Weights);

        var noise = NoiseModel();
        var noisy = await DimeExplainer.ExplainAsync(noise, Instance, await PrepareAsync(noise), options with { ImageSamples = 1000, TextSamples = 1000 }, null, CancellationToken.None);
        Assert.False(noisy.Image!.Sampling!.StoppedEarly);
        Assert.Equal(1000, noisy.Image.Samples);
    }

    [Fact]
    public async Task Bootstrap_stability_comes_with_every_result_and_tells_signal_from_noise()
    {
        var clear = RankedModel();
        var noise = NoiseModel();
        var signal = await DimeExplainer.ExplainAsync(clear, Instance, await PrepareAsync(clear), Options, null, CancellationToken.None);
        var again = await DimeExplainer.ExplainAsync(clear, Instance, await PrepareAsync(clear), Options, null, CancellationToken.None);
        var nothing = await DimeExplainer.ExplainAsync(noise, Instance, await PrepareAsync(noise), Options, null, CancellationToken.None);
        var off = await DimeExplainer.ExplainAsync(clear, Instance, await PrepareAsync(clear), Options with { BootstrapResamples = 0 }, null, CancellationToken.None);

        var report = signal.Image!.Bootstrap!;
        Assert.Equal(10, report.Resamples);
        Assert.Equal(5, report.TopK);
        Assert.Equal(2, report.Labels.Length);
        Assert.Equal(JsonSerializer.Serialize(report), JsonSerializer.Serialize(again.Image!.Bootstrap));
        Assert.True(report.Labels[0].M.MeanSpearman > 0.9, $"signal: {report.Labels[0].M.MeanSpearman}");
        Assert.InRange(report.Labels[0].M.MinSpearman, -1, report.Labels[0].M.MeanSpearman);
        Assert.True(
            nothing.Image!.Bootstrap!.Labels[0].M.MeanSpearman < report.Labels[0].M.MeanSpearman - 0.2,
            $"noise {nothing.Image.Bootstrap.Labels[0].M.MeanSpearman} against signal {report.Labels[0].M.MeanSpearman}");
        Assert.NotNull(signal.Text!.Bootstrap);
        Assert.True(signal.Timings!.BootstrapMs > 0);
        Assert.Null(off.Image!.Bootstrap);
        Assert.Equal(signal.Image.Labels[0].MI.Weights, off.Image.Labels[0].MI.Weights);
    }
}
