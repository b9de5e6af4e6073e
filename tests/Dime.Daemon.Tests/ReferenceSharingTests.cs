using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>
/// Two requests that share one reference set share its preparation, each on its own cancellation: cancelling one
/// while the set is being prepared leaves the other to complete, with the result it has alone (issue 13, item 4).
/// </summary>
[Collection(nameof(Timed))]
public sealed class ReferenceSharingTests
{
    // A reference set large enough (150 x 150 pairs) that its preparation is still running when the cancel arrives.
    private static readonly object Options = new { imageSamples = 40, textSamples = 40, referenceSize = 150, referenceSeed = 9, seed = 2 };

    [Fact]
    public async Task Cancelling_one_of_two_requests_sharing_a_reference_set_leaves_the_other_its_result()
    {
        JsonElement alone;
        await using (var fresh = await InProcessDaemon.StartAsync())
        {
            var (m, d) = await ExplainOverRpcTests.OpenDemo(fresh);
            alone = await fresh.Call<JsonElement>(ProtocolNames.Explain, new { modelId = m, sample = new { datasetId = d, index = 21 }, options = Options });
        }

        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var phases = new Dictionary<string, HashSet<string>> { ["a"] = [], ["b"] = [] };
        var bothPreparing = new TaskCompletionSource();
        daemon.ProgressReceived += (token, value) =>
        {
            lock (phases)
            {
                phases[token.GetString()!].Add(value.GetProperty("phase").GetString()!);
                if (phases["a"].Contains("reference") && (phases["b"].Contains("reference") || phases["b"].Contains("queued")))
                {
                    bothPreparing.TrySetResult();
                }
            }
        };

        using var cancelA = new CancellationTokenSource();
        var a = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 20 }, options = Options, progressToken = "a" }, cancelA.Token);
        var b = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 21 }, options = Options, progressToken = "b" });
        await bothPreparing.Task.WaitAsync(TimeSpan.FromMinutes(3));
        bool shared;
        lock (phases)
        {
            shared = phases["b"].Contains("reference"); // with one core, b waits for a compute slot instead
        }

        await cancelA.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => a);
        Assert.True(error is OperationCanceledException || (error is RemoteInvocationException r && r.ErrorCode == -32800), error.ToString());
        var result = await b.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(alone.GetProperty("values").GetRawText(), result.GetProperty("values").GetRawText());
        Assert.Equal(alone.GetProperty("image").GetRawText(), result.GetProperty("image").GetRawText());
        Assert.Equal(alone.GetProperty("text").GetRawText(), result.GetProperty("text").GetRawText());
        Assert.Equal(alone.GetProperty("provenance").GetProperty("reference").GetRawText(), result.GetProperty("provenance").GetProperty("reference").GetRawText());
        Assert.True(shared || Environment.ProcessorCount < 2, "b waited for the set a was preparing");
    }
}
