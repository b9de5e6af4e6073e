using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>
/// The daemon keeps answering while it reads, decodes and computes (issue 14, items 2 and 6): status during a slow
/// read and under twenty concurrent explanations, cancellation while a shared reference set is being prepared, and
/// one caller's cancel never failing another.
/// </summary>
[Collection(nameof(Timed))]
public sealed class ListeningTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Status_is_answered_within_100_ms_while_a_request_is_held_in_a_slow_read_and_its_cancel_lands()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var folder = TestPaths.NewTempFolder("slow-read");
        var big = Path.Combine(folder, "big.jsonl");
        await using (var writer = new StreamWriter(big))
        {
            for (var i = 0; i < 1_500_000; i++)
            {
                await writer.WriteLineAsync($$"""{"image":"images/{{i % 300:0000}}.png","question":"is there a red circle next to the blue square number {{i}}?","answer":"yes"}""");
            }
        }

        await daemon.Call<JsonElement>(ProtocolNames.Status); // compiled and warm: what is measured below is waiting, not JIT
        using var cancel = new CancellationTokenSource();
        var open = daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = big }, cancel.Token);
        await Task.Delay(300);
        Assert.False(open.IsCompleted, "the dataset was read before status could be asked; make the file larger");

        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await daemon.Call<JsonElement>(ProtocolNames.Status);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        var cancelClock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => open);
        cancelClock.Stop();
        output.WriteLine($"status while a 1.5M-line dataset is read: {string.Join(", ", latencies.Select(l => $"{l:0.0}"))} ms; cancel answered in {cancelClock.ElapsedMilliseconds} ms");
        Assert.True(latencies.Max() < 100, $"status took {latencies.Max():0} ms");
        Assert.True(error is OperationCanceledException || (error is RemoteInvocationException r && r.ErrorCode == -32800), error.ToString());
        Assert.True(cancelClock.ElapsedMilliseconds < 250, $"the cancel took {cancelClock.ElapsedMilliseconds} ms");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Under_20_concurrent_explanations_status_p95_stays_under_100_ms_and_the_surplus_is_queued()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var phases = new ConcurrentDictionary<string, int>();
        daemon.ProgressReceived += (token, value) => phases.AddOrUpdate(value.GetProperty("phase").GetString()!, 1, (_, n) => n + 1);
        var explanations = Enumerable.Range(0, 20)
            .Select(i => daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 100 + i }, options = new { imageSamples = 60, textSamples = 60, referenceSize = 12, seed = 5 }, progressToken = i }))
            .ToList();

        var latencies = new List<double>();
        var all = Task.WhenAll(explanations);
        while (!all.IsCompleted)
        {
            var clock = Stopwatch.StartNew();
            await daemon.Call<JsonElement>(ProtocolNames.Status);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(25);
        }

        await all;
        latencies.Sort();
        var p95 = latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1];
        output.WriteLine($"{latencies.Count} status calls under 20 explanations ({Environment.ProcessorCount} cores): median {latencies[latencies.Count / 2]:0.0} ms, p95 {p95:0.0} ms, max {latencies[^1]:0.0} ms; queued notifications {phases.GetValueOrDefault("queued")}");
        Assert.True(latencies.Count >= 5, $"only {latencies.Count} status calls");
        Assert.True(p95 < 100, $"status p95 {p95:0} ms");
        Assert.True(phases.GetValueOrDefault("queued") >= 20 - Environment.ProcessorCount, $"queued reported {phases.GetValueOrDefault("queued")} times");
        Assert.All(explanations, e => Assert.NotEmpty(e.Result.GetProperty("values").EnumerateArray()));
    }

    [Fact]
    public async Task Cancel_during_reference_set_preparation_lands_within_250_ms()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var preparing = new TaskCompletionSource();
        daemon.ProgressReceived += (token, value) =>
        {
            if (value.GetProperty("phase").GetString() == "reference")
            {
                preparing.TrySetResult();
            }
        };
        using var cancel = new CancellationTokenSource();
        var call = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 2 }, options = new { imageSamples = 60, textSamples = 60, referenceSize = 200, seed = 9 }, progressToken = "r" }, cancel.Token);
        await preparing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100);
        Assert.False(call.IsCompleted);

        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => call);
        clock.Stop();
        output.WriteLine($"cancel during reference preparation answered in {clock.ElapsedMilliseconds} ms");
        Assert.True(error is OperationCanceledException || (error is RemoteInvocationException r && r.ErrorCode == -32800), error.ToString());
        Assert.True(clock.ElapsedMilliseconds < 250, $"the cancel took {clock.ElapsedMilliseconds} ms");
        await WaitUntilAsync(() => daemon.Daemon.References.Count == 0);
        Assert.Equal(0, daemon.Daemon.References.Count); // nobody waits for it any more: the preparation was stopped and dropped
    }

    [Fact]
    public async Task Cancelling_one_of_two_requests_sharing_a_reference_set_leaves_the_other_to_complete()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var preparing = new TaskCompletionSource();
        daemon.ProgressReceived += (token, value) =>
        {
            if (value.GetProperty("phase").GetString() == "reference")
            {
                preparing.TrySetResult();
            }
        };
        var options = new { imageSamples = 60, textSamples = 60, referenceSize = 60, seed = 11 };
        using var cancel = new CancellationTokenSource();
        var cancelled = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 20 }, options, progressToken = "a" }, cancel.Token);
        var kept = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 21 }, options, progressToken = "b" });
        await preparing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => cancelled);
        var result = await kept.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.False(result.GetProperty("cached").GetBoolean());
        Assert.NotEmpty(result.GetProperty("values").EnumerateArray());
        Assert.Equal(1, daemon.Daemon.References.Count);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int milliseconds = 5000)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.ElapsedMilliseconds < milliseconds)
        {
            await Task.Delay(10);
        }
    }
}
