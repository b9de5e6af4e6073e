using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Handlers;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Daemon.Sharding;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Tests;

/// <summary>explain-dataset and dataset in shards, merged: the same output as one process, and refusals of what does not belong together.</summary>
public sealed class ShardingTests : IDisposable
{
    private static readonly ExplainOptionsDto Quick = new(ImageSamples: 40, TextSamples: 40, ReferenceSize: 12, Seed: 3);
    private readonly string _folder = TestPaths.NewTempFolder("sharding");
    private readonly Daemon _daemon;

    public ShardingTests()
    {
        _daemon = new Daemon(new DaemonOptions(Path.Combine(_folder, "cache"), "cpu", LogLevel.Warning), new Log(LogLevel.Warning, TextWriter.Null));
    }

    public void Dispose()
    {
        _daemon.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(0, 40, 4)]
    [InlineData(5, 12, 3)]
    [InlineData(0, 3, 5)]
    [InlineData(7, 1000, 7)]
    public void Shards_cover_the_range_once_in_order(int start, int end, int count)
    {
        var range = new SampleRange(start, end);
        var pieces = Enumerable.Range(0, count).Select(i => new ShardSpec(i, count).Of(range)).ToList();
        Assert.Equal(start, pieces[0].Start);
        Assert.Equal(end, pieces[^1].End);
        for (var i = 1; i < count; i++)
        {
            Assert.Equal(pieces[i - 1].End, pieces[i].Start);
        }

        Assert.InRange(pieces.Max(p => p.Count) - pieces.Min(p => p.Count), 0, 1);
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("a/b")]
    [InlineData("-1/3")]
    public void A_bad_shard_is_a_typed_error(string text) =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<DaemonException>(() => ShardSpec.Parse(text)).Code);

    [Fact]
    public async Task Emap_in_shards_equals_one_process_and_the_in_memory_analysis()
    {
        var model = _daemon.Models.Load(TestPaths.CleanManifest);
        var dataset = _daemon.Datasets.Open(TestPaths.DemoDataset);
        var slice = new SampleRange(10, 50);
        var single = Path.Combine(_folder, "emap-single");
        var whole = await ExplainDatasetHandler.RunAsync(model, dataset, slice, ShardSpec.Whole, single, 5, null, CancellationToken.None);
        var shards = new List<string>();
        foreach (var i in new[] { 2, 0, 1 })
        {
            var folder = Path.Combine(_folder, $"emap-{i}");
            Assert.Null(await ExplainDatasetHandler.RunAsync(model, dataset, slice, new ShardSpec(i, 3), folder, 5, null, CancellationToken.None));
            shards.Add(folder);
        }

        var merged = Path.Combine(_folder, "emap-merged");
        Assert.Equal(40, PartialMerge.Merge(shards, merged, 5, _daemon.Datasets).Samples);
        Assert.Equal(WithoutTimings(Path.Combine(single, EmapMerge.ResultFile)), WithoutTimings(Path.Combine(merged, EmapMerge.ResultFile)));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(single, EmapMerge.SamplesFile)), await File.ReadAllTextAsync(Path.Combine(merged, EmapMerge.SamplesFile)));

        // The streamed numbers are the engine's in-memory EMAP analysis of the same slice.
        var samples = dataset.Samples.Skip(slice.Start).Take(slice.Count).ToList();
        var (reference, _) = Explaining.DatasetSamples.Load(dataset, samples, 2, [], CancellationToken.None);
        var report = EmapAnalysis.Analyze(await PreparedReference.PrepareAsync(model.Loaded.Model, reference, null, CancellationToken.None));
        Assert.Equal(report.Accuracy, whole!.Emap.Accuracy);
        Assert.Equal(report.ProjectedAccuracy, whole.Emap.ProjectedAccuracy);
        var lines = File.ReadLines(Path.Combine(single, EmapMerge.SamplesFile)).Select(l => JsonSerializer.Deserialize<InteractionSample>(l, Protocol.Json.Options)!).ToList();
        Assert.Equal(slice.Count, lines.Count);
        foreach (var expected in report.SamplesByInteraction)
        {
            var line = lines[expected.Index];
            Assert.Equal(slice.Start + expected.Index, line.Index);
            Assert.Equal(expected.Predicted, line.Predicted);
            Assert.Equal(expected.ProjectedPrediction, line.Projected);
            Assert.Equal(expected.UC, line.Uc, 9);
            Assert.Equal(expected.MI, line.Mi, 9);
        }
    }

    [Fact]
    public async Task Explanations_in_shards_equal_one_process_resume_and_refuse_a_mix()
    {
        var model = _daemon.Models.Load(TestPaths.CleanManifest);
        var dataset = _daemon.Datasets.Open(TestPaths.DemoDataset);
        var range = new SampleRange(3, 7);
        var explainer = new DatasetExplainer(_daemon);
        var single = Path.Combine(_folder, "single");
        var first = await explainer.RunAsync(model, dataset, dataset, Quick, range, ShardSpec.Whole, single, false, null, CancellationToken.None);
        Assert.Equal((4, 0, 0), (first.Computed, first.Skipped, first.Failed));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(single, DatasetExplainer.ResultsFolder), "*.png", SearchOption.AllDirectories));

        // A run cut short leaves part of its index; the next run computes only what is missing.
        var resumed = Path.Combine(_folder, "shard-1");
        await explainer.RunAsync(model, dataset, dataset, Quick, range, new ShardSpec(1, 2), resumed, false, null, CancellationToken.None);
        var index = Path.Combine(resumed, IndexLine.FileName);
        await File.WriteAllLinesAsync(index, [(await File.ReadAllLinesAsync(index))[0], "{\"index\":6,\"id\":\"00"]);
        var again = await explainer.RunAsync(model, dataset, dataset, Quick, range, new ShardSpec(1, 2), resumed, false, null, CancellationToken.None);
        Assert.Equal((1, 1), (again.Computed, again.Skipped));

        var shard0 = Path.Combine(_folder, "shard-0");
        await explainer.RunAsync(model, dataset, dataset, Quick, range, new ShardSpec(0, 2), shard0, false, null, CancellationToken.None);
        var merged = Path.Combine(_folder, "merged");
        Assert.Equal(4, PartialMerge.Merge([resumed, shard0], merged, 20, _daemon.Datasets).Samples);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(single, IndexLine.FileName)), await File.ReadAllTextAsync(Path.Combine(merged, IndexLine.FileName)));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(single, RunManifest.FileName)), await File.ReadAllTextAsync(Path.Combine(merged, RunManifest.FileName)));
        foreach (var line in IndexLine.Read(Path.Combine(single, IndexLine.FileName)))
        {
            Assert.Equal(WithoutTimings(Path.Combine(single, line.Result!)), WithoutTimings(Path.Combine(merged, line.Result!)));
        }

        var line0 = IndexLine.Read(Path.Combine(single, IndexLine.FileName)).First();
        Assert.Equal(3, line0.Index);
        Assert.NotNull(line0.Prediction);
        Assert.Equal(line0.Values!.M, line0.Values.Uc + line0.Values.Mi, 6);
        Assert.InRange(line0.TextTop!.Mi.Count, 1, IndexLine.TopCount);

        // Another option, a missing shard, a doubled shard: refused, naming the odd one.
        var other = Path.Combine(_folder, "other");
        await explainer.RunAsync(model, dataset, dataset, Quick with { ImageSamples = 50 }, range, new ShardSpec(1, 2), other, false, null, CancellationToken.None);
        var mixed = Assert.Throws<DaemonException>(() => PartialMerge.Merge([shard0, resumed, other], Path.Combine(_folder, "m1"), 20, _daemon.Datasets));
        Assert.Contains(other, mixed.Message, StringComparison.Ordinal);
        Assert.Contains("options.imageSamples: 50 vs 40", mixed.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<DaemonException>(() => PartialMerge.Merge([shard0], Path.Combine(_folder, "m2"), 20, _daemon.Datasets));
        Assert.Contains("Samples 5:7 are missing", missing.Message, StringComparison.Ordinal);
        var doubled = Assert.Throws<DaemonException>(() => PartialMerge.Merge([shard0, resumed, resumed], Path.Combine(_folder, "m3"), 20, _daemon.Datasets));
        Assert.Contains("are in both", doubled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sample_that_fails_is_in_the_index_with_its_error_and_is_tried_again()
    {
        var data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(data);
        var images = Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, "images");
        File.Copy(Path.Combine(images, "0000.png"), Path.Combine(data, "a.png"));
        File.Copy(Path.Combine(images, "0001.png"), Path.Combine(data, "b.png"));
        await File.WriteAllLinesAsync(Path.Combine(data, "samples.jsonl"),
        [
            """{"id": "a", "image": "a.png", "question": "what is the number of triangles in this image?", "answer": "0"}""",
            """{"id": "gone", "image": "missing.png", "question": "how many things are there?", "answer": "3"}""",
            """{"id": "b", "image": "b.png", "question": "what is the number of triangles in this image?", "answer": "0"}""",
        ]);
        var model = _daemon.Models.Load(TestPaths.CleanManifest);
        var dataset = _daemon.Datasets.Open(Path.Combine(data, "samples.jsonl"));
        var output = Path.Combine(_folder, "with-failure");
        var explainer = new DatasetExplainer(_daemon);
        var options = Quick with { ReferenceSize = 2 };
        var first = await explainer.RunAsync(model, dataset, dataset, options, new SampleRange(0, 3), ShardSpec.Whole, output, false, null, CancellationToken.None);
        Assert.Equal((3, 1), (first.Computed, first.Failed));
        var lines = IndexLine.Read(Path.Combine(output, IndexLine.FileName)).ToList();
        Assert.Equal([0, 1, 2], lines.Select(l => l.Index));
        Assert.Equal(nameof(ErrorCode.ImageNotFound), lines[1].Error?.Code);
        Assert.Null(lines[1].Result);

        var merged = Path.Combine(_folder, "with-failure-merged");
        Assert.Equal(3, PartialMerge.Merge([output], merged, 20, _daemon.Datasets).Samples);
        var again = await explainer.RunAsync(model, dataset, dataset, options, new SampleRange(0, 3), ShardSpec.Whole, output, false, null, CancellationToken.None);
        Assert.Equal((1, 2, 1), (again.Computed, again.Skipped, again.Failed));
    }

    private static string WithoutTimings(string file)
    {
        var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        node.Remove("timings");
        return node.ToJsonString();
    }
}
