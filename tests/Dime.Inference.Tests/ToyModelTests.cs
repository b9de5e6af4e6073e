using System.Diagnostics;
using Dime.Engine.Errors;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Checking;

namespace Dime.Inference.Tests;

/// <summary>The small fixture graphs: every way of splitting a model, int32 tokens, NaN outputs, cancellation.</summary>
public sealed class ToyModelTests
{
    private static readonly string[] Texts = ["is there a red cube", "what color is the ball", "blue", string.Empty, "is there a <mask> ball", "red red red red red red red red"];

    [Fact]
    public async Task Split_with_encoders_and_attention_mask_equals_the_full_graph()
    {
        using var folder = ModelFolder.Toy();
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        var result = await ModelChecker.CheckAsync(model, Images(5), Texts, 1e-5, CancellationToken.None);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public async Task Split_without_a_text_encoder_feeds_token_ids_and_mask_to_the_fusion_head()
    {
        using var folder = ModelFolder.Toy(m =>
        {
            m["graphs"]!.AsObject().Remove("textEncoder");
            m["graphs"]!["fusion"] = ModelFolder.Graph("fusion_raw_text.onnx", "logits", ("image", "image_features"), ("text", "tokens"), ("attentionMask", "attention_mask"));
        });
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        var result = await ModelChecker.CheckAsync(model, Images(4), Texts, 1e-5, CancellationToken.None);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public async Task Split_without_an_image_encoder_feeds_the_preprocessed_image_to_the_fusion_head()
    {
        using var folder = ModelFolder.Toy(m =>
        {
            m["graphs"]!.AsObject().Remove("imageEncoder");
            m["graphs"]!["fusion"] = ModelFolder.Graph("fusion_raw_image.onnx", "logits", ("image", "image"), ("text", "text_features"));
        });
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        var result = await ModelChecker.CheckAsync(model, Images(4), Texts, 1e-5, CancellationToken.None);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public async Task Int32_token_inputs_give_the_same_logits()
    {
        using var int64 = ModelFolder.Toy();
        using var int32 = ModelFolder.Toy(m => m["graphs"]!["full"]!["path"] = "model_int32.onnx");
        using var a = OnnxModelLoader.Load(int64.Manifest, DeviceOptions.Cpu);
        using var b = OnnxModelLoader.Load(int32.Manifest, DeviceOptions.Cpu);

        var expected = await a.FullGraph!.EvaluateGridAsync(Images(3), Texts, CancellationToken.None);
        var actual = await b.FullGraph!.EvaluateGridAsync(Images(3), Texts, CancellationToken.None);

        Assert.Equal(expected.Values, actual.Values);
    }

    [Fact]
    public async Task Batches_cut_small_give_the_same_grid()
    {
        using var folder = ModelFolder.Toy();
        using var whole = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);
        using var cut = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu, new InferenceOptions { MaxBatchSize = 3, MaxFusionBatchSize = 5 });

        foreach (var pick in new Func<LoadedModel, IMultimodalModel>[] { m => m.FullGraph!, m => m.Split! })
        {
            var expected = await pick(whole).EvaluateGridAsync(Images(7), Texts, CancellationToken.None);
            var actual = await pick(cut).EvaluateGridAsync(Images(7), Texts, CancellationToken.None);
            Assert.Equal(7 * Texts.Length * 4, actual.Values.Length);
            Assert.All(expected.Values.Zip(actual.Values), p => Assert.Equal(p.First, p.Second, 5));
        }

        Assert.Equal(3, cut.FullGraphModel!.Runner.MaxBatch);
        Assert.Equal(5, cut.Fusion!.Runner.MaxBatch);
    }

    [Fact]
    public void Memory_budget_sizes_the_batches()
    {
        using var folder = ModelFolder.Toy();
        // one full-graph row: 3x8x8 floats + 2x6 int64 + 4 floats = 880 bytes
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu, new InferenceOptions { MemoryBudgetBytes = 880 * 10 });

        Assert.Equal(10, model.FullGraphModel!.Runner.MaxBatch);
    }

    [Fact]
    public async Task NaN_from_the_full_graph_is_a_typed_error_naming_the_graph()
    {
        using var folder = ModelFolder.Toy(m => m["graphs"]!["full"]!["path"] = "model_nan.onnx");
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        var error = await Assert.ThrowsAsync<DimeException>(() => model.FullGraph!.EvaluateGridAsync(Images(2), Texts, CancellationToken.None));

        Assert.Equal(ErrorKind.ModelOutputInvalid, error.Kind);
        Assert.Equal("graphs.full", error.Subject);
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Contains("model_nan.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NaN_from_the_fusion_head_is_a_typed_error_naming_the_graph()
    {
        using var folder = ModelFolder.Toy(m => m["graphs"]!["fusion"]!["path"] = "fusion_nan.onnx");
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        var error = await Assert.ThrowsAsync<DimeException>(() => model.Model.EvaluateGridAsync(Images(2), Texts, CancellationToken.None));

        Assert.Equal(ErrorKind.ModelOutputInvalid, error.Kind);
        Assert.Equal("graphs.fusion", error.Subject);
    }

    private static readonly string[] SlowTexts = [.. Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? "red ball" : "what color is the cube")];

    [Fact]
    public async Task A_run_in_flight_is_cancelled()
    {
        using var folder = ModelFolder.Toy(m =>
        {
            m["graphs"]!["full"]!["path"] = "slow.onnx";
            m["graphs"]!.AsObject().Remove("fusion");
            m["graphs"]!.AsObject().Remove("imageEncoder");
            m["graphs"]!.AsObject().Remove("textEncoder");
        });
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu, new InferenceOptions { WarmUp = false });
        using var cancellation = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();

        // 512 pairs: about 1 TMAC, several seconds even where ONNX Runtime does 200 GMAC/s
        var run = Task.Factory.StartNew(() => model.Model.EvaluateGridAsync(Images(32), SlowTexts, cancellation.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        Thread.Sleep(300); // not Task.Delay: with two cores, ONNX Runtime's threads can hold back the timer's continuation
        Assert.False(run.IsCompleted, $"the run ended before it could be cancelled ({run.Status}: {run.Exception?.InnerException})");
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancelling took until {watch.Elapsed}");
    }

    [Fact]
    public async Task Cancellation_before_the_run_stops_it_at_once()
    {
        using var folder = ModelFolder.Toy();
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.Model.EvaluateGridAsync(Images(2), Texts, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Disposing_during_a_run_stops_it_with_a_typed_error()
    {
        using var folder = ModelFolder.Toy(m =>
        {
            m["graphs"]!["full"]!["path"] = "slow.onnx";
            m["graphs"]!.AsObject().Remove("fusion");
            m["graphs"]!.AsObject().Remove("imageEncoder");
            m["graphs"]!.AsObject().Remove("textEncoder");
        });
        var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu, new InferenceOptions { WarmUp = false });
        var run = Task.Factory.StartNew(() => model.Model.EvaluateGridAsync(Images(32), SlowTexts, CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        Thread.Sleep(300); // not Task.Delay: with two cores, ONNX Runtime's threads can hold back the timer's continuation
        Assert.False(run.IsCompleted, "the run finished before it could be disposed");

        model.Dispose();

        var error = await Assert.ThrowsAsync<DimeException>(() => run);
        Assert.Equal(ErrorKind.ModelNotLoaded, error.Kind);
    }

    [Fact]
    public async Task Concurrent_calls_get_their_own_buffers()
    {
        using var folder = ModelFolder.Toy();
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu, new InferenceOptions { MaxBatchSize = 4, MaxFusionBatchSize = 7 });
        var inputs = Enumerable.Range(1, 6).Select(n => Images(n + 2)).ToArray();
        var expected = new List<float[]>();
        foreach (var images in inputs)
        {
            expected.Add((await model.FullGraph!.EvaluateGridAsync(images, Texts, CancellationToken.None)).Values);
        }

        var runs = inputs.SelectMany(images => new[] { model.FullGraph!, model.Split! }.Select(path => path.EvaluateGridAsync(images, Texts, CancellationToken.None))).ToArray();
        var results = await Task.WhenAll(runs);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.All(expected[i / 2].Zip(results[i].Values), p => Assert.Equal(p.First, p.Second, 5));
        }
    }

    [Fact]
    public async Task Empty_grids_are_empty()
    {
        using var folder = ModelFolder.Toy();
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        foreach (var path in new IMultimodalModel[] { model.FullGraph!, model.Split! })
        {
            Assert.Empty((await path.EvaluateGridAsync(Images(0), Texts, CancellationToken.None)).Values);
            Assert.Empty((await path.EvaluateGridAsync(Images(3), [], CancellationToken.None)).Values);
        }
    }

    [Fact]
    public async Task An_image_that_fails_to_render_keeps_its_typed_error()
    {
        using var folder = ModelFolder.Toy();
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        foreach (var path in new IMultimodalModel[] { model.FullGraph!, model.Split! })
        {
            var error = await Assert.ThrowsAsync<DimeException>(() => path.EvaluateGridAsync(new FailingImages(), Texts, CancellationToken.None));
            Assert.Equal(ErrorKind.ImageCorrupt, error.Kind);
        }
    }

    [Fact]
    public void Non_finite_values_are_found_anywhere()
    {
        var values = new float[37];
        Assert.Equal(-1, Runtime.GraphRunner.FirstNonFinite(values));
        foreach (var at in new[] { 0, 5, 16, 36 })
        {
            foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                var copy = (float[])values.Clone();
                copy[at] = bad;
                Assert.Equal(at, Runtime.GraphRunner.FirstNonFinite(copy));
            }
        }
    }

    private sealed class FailingImages : ImageSet
    {
        public override int Count => 4;

        public override int WidthOf(int index) => 8;

        public override int HeightOf(int index) => 8;

        public override void Render(int index, Span<byte> destination)
        {
            if (index == 2)
            {
                throw new DimeException(ErrorKind.ImageCorrupt, "image 2 cannot be rendered", "2");
            }

            destination.Fill(100);
        }
    }

    private static ImageList Images(int count)
    {
        var random = new Random(count);
        return new ImageList(Enumerable.Range(0, count).Select(i => ModelChecker.SyntheticImage(random, 12 + i, 10 + (2 * i))).ToArray());
    }
}
