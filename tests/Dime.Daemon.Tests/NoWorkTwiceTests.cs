using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>
/// Issue 13, item 4: a cache hit runs no inference (counted on the loaded model's ONNX Runtime sessions, over the real
/// protocol), the key is known before anything runs and does not depend on how defaults are spelt, and what only
/// export needs is drawn at export.
/// </summary>
public sealed class NoWorkTwiceTests
{
    private static readonly object Options = new { imageSamples = 60, textSamples = 60, referenceSize = 10, seed = 5 };

    [Fact]
    public async Task A_cache_hit_runs_no_model_and_says_how_long_it_took()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var loaded = daemon.Daemon.Models.Get(model).Loaded;
        var request = new { modelId = model, sample = new { datasetId = dataset, index = 12 }, options = Options };

        var runsBefore = loaded.SessionRuns;
        var computed = await daemon.Call<JsonElement>(ProtocolNames.Explain, request);
        var computedRuns = loaded.SessionRuns - runsBefore;
        Assert.False(computed.GetProperty("cached").GetBoolean());
        Assert.True(computedRuns > 0);
        Assert.Equal(computedRuns, computed.GetProperty("timings").GetProperty("runs.all").GetDouble());

        // the same request, and the same one with two defaults written out: one key, no inference
        var spelt = new { modelId = model, sample = new { datasetId = dataset, index = 12 }, options = new { imageSamples = 60, textSamples = 60, referenceSize = 10, seed = 5, stratified = true, labels = (string?)null } };
        foreach (var again in new object[] { request, spelt })
        {
            var before = loaded.SessionRuns;
            var hit = await daemon.Call<JsonElement>(ProtocolNames.Explain, again);
            Assert.Equal(0, loaded.SessionRuns - before);
            Assert.True(hit.GetProperty("cached").GetBoolean());
            Assert.Equal(computed.GetProperty("resultId").GetString(), hit.GetProperty("resultId").GetString());
            Assert.Equal(computed.GetProperty("values").GetRawText(), hit.GetProperty("values").GetRawText());
            Assert.True(hit.GetProperty("timings").GetProperty("served").GetDouble() >= 0);
        }

        // another seed is another result
        var other = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 12 }, options = new { imageSamples = 60, textSamples = 60, referenceSize = 10, seed = 6 } });
        Assert.False(other.GetProperty("cached").GetBoolean());
        Assert.NotEqual(computed.GetProperty("resultId").GetString(), other.GetProperty("resultId").GetString());
    }

    [Fact]
    public async Task A_bad_option_is_refused_before_any_model_run()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var loaded = daemon.Daemon.Models.Get(model).Loaded;
        var before = loaded.SessionRuns;

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(
            ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 12 }, options = new { labels = new[] { "no such label" } } }));

        Assert.Contains("no such label", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, loaded.SessionRuns - before);
    }

    [Fact]
    public async Task Export_draws_over_the_explained_image_and_refuses_one_that_changed()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var images = Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, "images");
        var image = Path.Combine(TestPaths.NewTempFolder("export-image"), "picture.png");
        File.Copy(Path.Combine(images, "0007.png"), image);
        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model,
            sample = new { imagePath = image, question = "what is the shape of the red thing?" },
            options = new { imageSamples = 60, textSamples = 60, referenceSize = 10, referenceDatasetId = dataset },
        });
        var resultId = result.GetProperty("resultId").GetString();

        var exported = await daemon.Call<JsonElement>(ProtocolNames.Export, new { resultId, folder = TestPaths.NewTempFolder("export-ok") });
        Assert.Contains(exported.GetProperty("files").EnumerateArray(), f => f.GetString()!.EndsWith("report.html", StringComparison.Ordinal));

        File.Copy(Path.Combine(images, "0008.png"), image, overwrite: true);
        var target = TestPaths.NewTempFolder("export-changed");
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Export, new { resultId, folder = target }));
        Assert.Equal(1501, error.ErrorCode);
        Assert.Contains("changed", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }
}
