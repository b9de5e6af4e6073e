using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>Explanations of the demo model through the real protocol (in process, over a duplex stream).</summary>
[Collection(nameof(Timed))]
public sealed class ExplainOverRpcTests
{
    /// <summary>Small enough to keep the suite quick, large enough to exercise every phase.</summary>
    private static readonly object QuickOptions = new { imageSamples = 80, textSamples = 80, referenceSize = 20, seed = 3 };

    [Fact]
    public async Task Explain_returns_M_equal_UC_plus_MI_with_progress_in_order_and_writes_its_artifacts()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var progress = new ConcurrentQueue<JsonElement>();
        daemon.ProgressReceived += (token, value) => progress.Enqueue(value);
        var (model, dataset) = await OpenDemo(daemon);

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 3 }, options = QuickOptions, progressToken = "p1" });

        foreach (var v in result.GetProperty("values").EnumerateArray())
        {
            Assert.Equal(v.GetProperty("logit").GetDouble(), v.GetProperty("uc").GetDouble() + v.GetProperty("mi").GetDouble(), 4);
            Assert.Equal(v.GetProperty("uc").GetDouble(), v.GetProperty("g1").GetDouble() + v.GetProperty("g2").GetDouble() - v.GetProperty("mu").GetDouble(), 4);
        }

        Assert.Equal(3, result.GetProperty("settings").GetProperty("seed").GetInt32());
        var image = result.GetProperty("image");
        Assert.Equal(image.GetProperty("segmentation").GetProperty("count").GetInt32(), image.GetProperty("explanations")[0].GetProperty("m").GetProperty("weights").GetArrayLength());
        AssertDefaultLabels(result, image);
        Assert.True(result.GetProperty("text").GetProperty("features").GetArrayLength() >= 3);

        // the cache holds the JSON alone; the report and the overlays are drawn on export, under the names announced
        var folder = result.GetProperty("artifacts").GetProperty("folder").GetString()!;
        Assert.Equal(["entry.json", "result.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var target = TestPaths.NewTempFolder("export");
        var exported = await daemon.Call<JsonElement>(ProtocolNames.Export, new { resultId = result.GetProperty("resultId").GetString(), folder = target });
        var overlays = result.GetProperty("artifacts").GetProperty("overlays").EnumerateArray().Select(o => o.GetProperty("path").GetString()!).ToList();
        Assert.NotEmpty(overlays);
        Assert.Equal(
            overlays.Append("report.html").Append("result.json").Order(StringComparer.Ordinal),
            exported.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetString()!)).Order(StringComparer.Ordinal));
        Assert.All(overlays, o => Assert.True(new FileInfo(Path.Combine(target, o)).Length > 100, o));
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "result.json")), File.ReadAllBytes(Path.Combine(target, "result.json")));
        // the report's timings row is filled (it once was always empty) and its legend uses the one colour scale
        var report = await File.ReadAllTextAsync(Path.Combine(target, "report.html"));
        Assert.Matches(@"<td>timings</td><td>reference \d+ ms, .*model \d+ ms.*total \d+ ms</td>", report);
        Assert.Contains(Reports.ColorScale.CssGradient(), report, StringComparison.Ordinal);

        // The engine's own "done" (at 0.98 of the request) may arrive before the request's final one (1).
        await WaitUntil(() => progress.Any(p => p.GetProperty("phase").GetString() == "done" && p.GetProperty("fraction").GetDouble() >= 1));
        var fractions = progress.Select(p => p.GetProperty("fraction").GetDouble()).ToList();
        Assert.True(fractions.Count >= 3, $"only {fractions.Count} progress notifications");
        Assert.Equal(fractions.OrderBy(f => f), fractions);
        Assert.Equal(1.0, fractions[^1]);
    }

    [Fact]
    public async Task Partial_results_arrive_as_rows_do_and_the_result_reports_partners_and_bootstrap()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var progress = new ConcurrentQueue<JsonElement>();
        daemon.ProgressReceived += (token, value) => progress.Enqueue(value);
        var (model, dataset) = await OpenDemo(daemon);
        var options = new { imageSamples = 300, textSamples = 300, referenceSize = 20, seed = 2, partners = 5, partial = true };

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options, progressToken = "partial" });

        await WaitUntil(() => progress.Any(p => p.GetProperty("phase").GetString() == "done"));
        var partials = progress.Where(p => p.TryGetProperty("partial", out _)).Select(p => p.GetProperty("partial")).ToList();
        Assert.Equal(
            ["image 100", "image 250", "text 100", "text 250"],
            partials.Select(p => $"{p.GetProperty("modality").GetString()} {p.GetProperty("rows").GetInt32()}"));
        Assert.True(partials[0].TryGetProperty("segmentation", out var segmentation));
        Assert.False(partials[1].TryGetProperty("segmentation", out _));
        Assert.True(partials[2].TryGetProperty("tokens", out _));
        Assert.True(partials[1].TryGetProperty("convergence", out var convergence));
        Assert.InRange(convergence.GetProperty("minTopKOverlap").GetDouble(), 0, 1);
        foreach (var partial in partials)
        {
            var labels = partial.GetProperty("explanations");
            Assert.InRange(labels.GetArrayLength(), 1, 6);
            Assert.Contains(result.GetProperty("prediction").GetProperty("label").GetInt32(), labels.EnumerateArray().Select(l => l.GetProperty("label").GetInt32()));
            Assert.Equal(result.GetProperty("prediction").GetProperty("label").GetInt32(), partial.GetProperty("predicted").GetInt32());
        }

        Assert.Equal(segmentation.GetProperty("count").GetInt32(), partials[0].GetProperty("explanations")[0].GetProperty("mi").GetProperty("weights").GetArrayLength());
        var sampling = result.GetProperty("image").GetProperty("sampling");
        Assert.Equal("perRow", sampling.GetProperty("estimator").GetString());
        Assert.Equal(5, sampling.GetProperty("partners").GetInt32());
        Assert.Equal((1 + 20) + (299 * (1 + 5)), sampling.GetProperty("pairPasses").GetInt64());
        Assert.Equal(result.GetProperty("text").GetProperty("explanations").GetArrayLength(), result.GetProperty("text").GetProperty("bootstrap").GetProperty("labels").GetArrayLength());
        Assert.Equal(10, result.GetProperty("image").GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        Assert.Equal(5, result.GetProperty("settings").GetProperty("partners").GetInt32());
        Assert.True(result.GetProperty("timings").GetProperty("firstPartial").GetDouble() > 0);

        // partial results change what is sent on the way, not the result: the same request without them is a cache hit
        var withoutPartials = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = options with { partial = false } });
        Assert.True(withoutPartials.GetProperty("cached").GetBoolean());
        Assert.Equal(result.GetProperty("resultId").GetString(), withoutPartials.GetProperty("resultId").GetString());

        var exact = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = options with { partners = 0, partial = false } });
        Assert.Equal("exact", exact.GetProperty("image").GetProperty("sampling").GetProperty("estimator").GetString());
        Assert.False(exact.GetProperty("cached").GetBoolean());
    }

    [Fact]
    public async Task A_repeated_request_is_answered_from_the_cache_and_another_seed_is_not()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await OpenDemo(daemon);
        var request = new { modelId = model, sample = new { datasetId = dataset, index = 5 }, options = QuickOptions };
        var first = await daemon.Call<JsonElement>(ProtocolNames.Explain, request);
        var second = await daemon.Call<JsonElement>(ProtocolNames.Explain, request);
        var other = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 5 }, options = new { imageSamples = 80, textSamples = 80, referenceSize = 20, seed = 4 } });

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("resultId").GetString(), second.GetProperty("resultId").GetString());
        Assert.Equal(first.GetProperty("image").GetRawText(), second.GetProperty("image").GetRawText());
        Assert.False(other.GetProperty("cached").GetBoolean());
        Assert.NotEqual(first.GetProperty("resultId").GetString(), other.GetProperty("resultId").GetString());
    }

    [Fact]
    public async Task Cancelling_mid_explanation_answers_minus_32800_within_250_ms_and_the_daemon_keeps_serving()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await OpenDemo(daemon);
        var started = new TaskCompletionSource();
        daemon.ProgressReceived += (token, value) =>
        {
            if (value.GetProperty("phase").GetString() is "image" or "text")
            {
                started.TrySetResult();
            }
        };
        using var cancel = new CancellationTokenSource();
        var call = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 7 }, options = new { imageSamples = 20000, textSamples = 20000, referenceSize = 20 }, progressToken = 9 }, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => call);
        clock.Stop();

        Assert.True(error is OperationCanceledException || (error is RemoteInvocationException r && r.ErrorCode == -32800), error.ToString());
        Assert.True(clock.ElapsedMilliseconds <= 250, $"the cancellation took {clock.ElapsedMilliseconds} ms");
        var status = await daemon.Call<JsonElement>(ProtocolNames.Status);
        Assert.Equal(1, status.GetProperty("models").GetArrayLength());
        Assert.Equal(0, status.GetProperty("running").GetInt32());
    }

    [Fact]
    public async Task Concurrent_requests_all_complete()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await OpenDemo(daemon);
        var explanations = Enumerable.Range(10, 3).Select(i => daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = i }, options = QuickOptions })).ToList();
        var predictions = Enumerable.Range(0, 5).Select(i => daemon.Call<JsonElement>(ProtocolNames.Predict, new { modelId = model, sample = new { datasetId = dataset, index = i } })).ToList();
        var status = daemon.Call<JsonElement>(ProtocolNames.Status);

        await Task.WhenAll([.. explanations, .. predictions, status]);
        Assert.Equal(3, explanations.Select(e => e.Result.GetProperty("resultId").GetString()).Distinct().Count());
        Assert.All(predictions, p => Assert.Equal(5, p.Result.GetProperty("top").GetArrayLength()));
    }

    [Fact]
    public async Task Compare_dataset_overview_and_export_work_on_the_demo()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (clean, dataset) = await OpenDemo(daemon);
        var biased = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.BiasedManifest })).GetProperty("modelId").GetString();

        var compare = await daemon.Call<JsonElement>(ProtocolNames.Compare, new { modelIds = new[] { clean, biased }, sample = new { datasetId = dataset, index = 1 }, options = QuickOptions });
        var results = compare.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.NotEqual(results[0].GetProperty("model").GetProperty("hash").GetString(), results[1].GetProperty("model").GetProperty("hash").GetString());
        var explained = results.EnumerateArray().Select(r => r.GetProperty("image").GetProperty("explanations").EnumerateArray().Select(e => e.GetProperty("label").GetInt32()).Order().ToArray()).ToList();
        Assert.Equal(explained[0], explained[1]);
        Assert.All(results.EnumerateArray(), r => Assert.Contains(r.GetProperty("prediction").GetProperty("label").GetInt32(), explained[0]));

        var overview = await daemon.Call<JsonElement>(ProtocolNames.ExplainDataset, new { modelId = clean, datasetId = dataset, offset = 0, count = 40, options = new { topSamples = 5 } });
        Assert.Equal(40, overview.GetProperty("count").GetInt32());
        var emap = overview.GetProperty("emap");
        Assert.InRange(emap.GetProperty("accuracy").GetDouble(), 0.7, 1.0);
        Assert.Equal(emap.GetProperty("accuracy").GetDouble() - emap.GetProperty("projectedAccuracy").GetDouble(), emap.GetProperty("gap").GetDouble(), 9);
        var shares = overview.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("miShare").GetDouble()).ToList();
        Assert.Equal(5, shares.Count);
        Assert.Equal(shares.OrderByDescending(x => x), shares);
        Assert.Equal(40, overview.GetProperty("perLabel").EnumerateArray().Sum(l => l.GetProperty("count").GetInt32()));

        var target = TestPaths.NewTempFolder("export");
        var export = await daemon.Call<JsonElement>(ProtocolNames.Export, new { resultId = results[0].GetProperty("resultId").GetString(), folder = target });
        Assert.Contains(export.GetProperty("files").EnumerateArray(), f => f.GetString()!.EndsWith("report.html", StringComparison.Ordinal));
        Assert.Contains("Why did the model answer", await File.ReadAllTextAsync(Path.Combine(target, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_all_explains_every_label()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await OpenDemo(daemon);

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model,
            sample = new { datasetId = dataset, index = 3 },
            options = new { labels = "all", modalities = new[] { "text" }, textSamples = 40, referenceSize = 8, seed = 3 },
        });

        Assert.Equal(21, result.GetProperty("text").GetProperty("explanations").GetArrayLength());
        Assert.Equal(21, result.GetProperty("values").GetArrayLength());
    }

    /// <summary>By default: the prediction, the ground truth, and the next three labels by logit; values for those only.</summary>
    private static void AssertDefaultLabels(JsonElement result, JsonElement image)
    {
        var explained = image.GetProperty("explanations").EnumerateArray().Select(e => e.GetProperty("label").GetInt32()).ToList();
        var labels = result.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        var byLogit = result.GetProperty("prediction").GetProperty("top").EnumerateArray().Select(a => a.GetProperty("index").GetInt32()).ToList();
        var truth = labels.IndexOf(result.GetProperty("sample").GetProperty("answer").GetString());
        Assert.Equal(result.GetProperty("prediction").GetProperty("label").GetInt32(), explained[0]);
        Assert.Contains(truth, explained);
        var others = byLogit.Skip(1).Where(i => i != truth).Take(3).ToList();
        Assert.Equal(others, explained.Where(i => i != explained[0] && i != truth));
        Assert.Equal(explained, result.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("label").GetInt32()));
    }

    internal static async Task<(string Model, string Dataset)> OpenDemo(InProcessDaemon daemon)
    {
        var model = await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest });
        var dataset = await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset });
        return (model.GetProperty("modelId").GetString()!, dataset.GetProperty("datasetId").GetString()!);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }
    }
}
