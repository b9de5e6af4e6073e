using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>
/// kill -9 at random moments never leaves the cache serving a wrong or partial result (issue 14, item 4): the real
/// daemon process explains on a shared cache folder and is killed (SIGKILL) at seeded random moments, restarted each
/// time, and every result it serves is compared with a fresh computation in a separate cache.
/// </summary>
[Collection(nameof(Timed))]
public sealed class CrashConsistencyTests(ITestOutputHelper output)
{
    /// <summary>DIME_KILL_TRIALS overrides the number of explanations (100 by default; about a minute and a half).</summary>
    private static int Explanations => int.TryParse(Environment.GetEnvironmentVariable("DIME_KILL_TRIALS"), out var n) && n > 0 ? n : 100;

    [Fact]
    public async Task Served_results_match_fresh_computations_however_often_the_daemon_is_killed()
    {
        const int seed = 20261207;
        const int distinct = 12;
        var random = new Random(seed);
        var requests = Enumerable.Range(0, distinct).Select(k => new { index = 50 + k, options = new { imageSamples = 40, textSamples = 40, referenceSize = 8, seed = k % 3 } }).ToArray();

        var fresh = new string[distinct];
        await using (var reference = await InProcessDaemon.StartAsync())
        {
            var (freshModel, freshDataset) = await ExplainOverRpcTests.OpenDemo(reference);
            for (var k = 0; k < distinct; k++)
            {
                fresh[k] = Fingerprint(await reference.Call<JsonElement>(ProtocolNames.Explain, new { modelId = freshModel, sample = new { datasetId = freshDataset, index = requests[k].index }, options = requests[k].options }));
            }
        }

        var cache = TestPaths.NewTempFolder("kill9");
        var clock = Stopwatch.StartNew();
        int kills = 0, served = 0, fromCache = 0, mismatches = 0, recomputed = 0;
        DaemonProcess? daemon = null;
        string model = string.Empty, dataset = string.Empty;
        try
        {
            for (var i = 0; i < Explanations; i++)
            {
                if (daemon is null)
                {
                    daemon = DaemonProcess.Start(cache, keepCache: true);
                    await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "kill9" }, device = "cpu" });
                    model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString()!;
                    dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("datasetId").GetString()!;
                }

                var k = random.Next(distinct);
                var call = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = requests[k].index }, options = requests[k].options });
                if (random.NextDouble() < 0.25)
                {
                    await Task.Delay(random.Next(0, 1200));
                    daemon.Process.Kill(); // SIGKILL
                    await daemon.Process.WaitForExitAsync();
                    JsonElement? finished = null;
                    try
                    {
                        finished = await call; // it may have finished before the kill
                    }
                    catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                    {
                    }

                    recomputed += CountNotServed(await daemon.StandardErrorAsync);
                    await daemon.DisposeAsync();
                    daemon = null;
                    kills++;
                    if (finished is { } before)
                    {
                        served++;
                        mismatches += Fingerprint(before) == fresh[k] ? 0 : 1;
                    }

                    continue;
                }

                var result = await call;
                served++;
                fromCache += result.GetProperty("cached").GetBoolean() ? 1 : 0;
                mismatches += Fingerprint(result) == fresh[k] ? 0 : 1;
            }
        }
        finally
        {
            if (daemon is not null)
            {
                await daemon.DisposeAsync();
                recomputed += CountNotServed(await daemon.StandardErrorAsync);
            }
        }

        var results = Path.Combine(cache, "results");
        var entries = Directory.GetDirectories(results).Where(d => !Path.GetFileName(d).StartsWith('.')).ToList();
        var partial = entries.Count(d => !File.Exists(Path.Combine(d, "entry.json")));
        output.WriteLine($"kill -9 (seed {seed}): {Explanations} explanations, {kills} kills, {served} served ({fromCache} from the cache), {mismatches} mismatches, {recomputed} entries found invalid and recomputed, {entries.Count} entries, {partial} partial, {clock.Elapsed.TotalSeconds:0} s");
        Assert.Equal(0, mismatches);
        Assert.Equal(0, partial);
        Assert.True(kills > 0 && fromCache > 0, $"{kills} kills, {fromCache} from the cache: the test exercised nothing");
        Directory.Delete(cache, recursive: true);
    }

    /// <summary>What must not differ between a served result and a fresh one: the prediction, the decomposition and every weight.</summary>
    private static string Fingerprint(JsonElement result) =>
        string.Join('|', result.GetProperty("resultId").GetString(), result.GetProperty("prediction").GetRawText(), result.GetProperty("values").GetRawText(),
            result.GetProperty("image").GetProperty("explanations").GetRawText(), result.GetProperty("text").GetProperty("explanations").GetRawText());

    private static int CountNotServed(string log) =>
        log.Split('\n').Count(l => l.Contains("not served", StringComparison.Ordinal));
}
