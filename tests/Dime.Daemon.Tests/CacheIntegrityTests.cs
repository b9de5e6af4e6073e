using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>The result cache serves only what it wrote (issue 14, item 4): every kind of tampering is detected and recomputed.</summary>
public sealed class CacheIntegrityTests
{
    private static readonly object Options = new { imageSamples = 60, textSamples = 60, referenceSize = 12, seed = 21 };

    public static TheoryData<string> Tamperings() => ["empty object", "no values", "swapped result", "truncated result", "deleted result", "deleted entry", "extra key", "garbage"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_tampered_entry_is_not_served_but_computed_again(string tampering)
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var request = new { modelId = model, sample = new { datasetId = dataset, index = 30 }, options = Options };
        var first = await daemon.Call<JsonElement>(ProtocolNames.Explain, request);
        var other = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 31 }, options = Options });
        var folder = first.GetProperty("artifacts").GetProperty("folder").GetString()!;
        var resultJson = Path.Combine(folder, "result.json");
        switch (tampering)
        {
            case "empty object":
                File.WriteAllText(resultJson, "{}");
                break;
            case "no values":
                var node = JsonNode.Parse(File.ReadAllText(resultJson))!.AsObject();
                node["values"] = new JsonArray();
                File.WriteAllText(resultJson, node.ToJsonString());
                break;
            case "swapped result":
                File.Copy(Path.Combine(other.GetProperty("artifacts").GetProperty("folder").GetString()!, "result.json"), resultJson, overwrite: true);
                break;
            case "truncated result":
                File.WriteAllBytes(resultJson, File.ReadAllBytes(resultJson)[..40]);
                break;
            case "deleted result":
                File.Delete(resultJson);
                break;
            case "deleted entry":
                File.Delete(Path.Combine(folder, "entry.json"));
                break;
            case "extra key":
                var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "entry.json")))!.AsObject();
                entry["key"] = new string('0', 32);
                File.WriteAllText(Path.Combine(folder, "entry.json"), entry.ToJsonString());
                break;
            default:
                File.WriteAllBytes(resultJson, [0xFF, 0x00, 0x7B]);
                break;
        }

        var again = await daemon.Call<JsonElement>(ProtocolNames.Explain, request);
        Assert.False(again.GetProperty("cached").GetBoolean(), $"{tampering}: the tampered entry was served");
        Assert.Equal(first.GetProperty("values").GetRawText(), again.GetProperty("values").GetRawText());
        Assert.Equal(first.GetProperty("image").GetProperty("explanations").GetRawText(), again.GetProperty("image").GetProperty("explanations").GetRawText());
        Assert.Equal(["entry.json", "result.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var third = await daemon.Call<JsonElement>(ProtocolNames.Explain, request);
        Assert.True(third.GetProperty("cached").GetBoolean(), "the recomputed entry is served from the cache");
        var exported = await daemon.Call<JsonElement>(ProtocolNames.Export, new { resultId = first.GetProperty("resultId").GetString(), folder = Path.Combine(daemon.CacheFolder, "exported") });
        Assert.Contains(exported.GetProperty("files").EnumerateArray(), f => f.GetString()!.EndsWith("report.html", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unwritable_cache_still_returns_the_explanation_with_a_warning_and_only_export_fails()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        Directory.CreateDirectory(daemon.CacheFolder);
        File.WriteAllText(Path.Combine(daemon.CacheFolder, "results"), "a file where the results folder should be: nothing can be written below it");
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 40 }, options = Options });

        Assert.NotEmpty(result.GetProperty("values").EnumerateArray());
        Assert.False(result.TryGetProperty("artifacts", out var artifacts) && artifacts.ValueKind != JsonValueKind.Null, "a result that was not cached names no files");
        Assert.Contains("not cached", result.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Export, new { resultId = result.GetProperty("resultId").GetString(), folder = Path.Combine(Path.GetTempPath(), "dime-export-" + Guid.NewGuid().ToString("N")) }));
        Assert.Equal(1501, error.ErrorCode);
        var status = await daemon.Call<JsonElement>(ProtocolNames.Status);
        Assert.Equal(0, status.GetProperty("cache").GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task A_full_cache_leaves_no_partial_entry_behind()
    {
        // A write that fails midway (simulated; FullDiskTests fills a real tmpfs where namespaces allow it):
        // the staging folder is a file, so the entry cannot be written, and nothing is left in results/.
        await using var daemon = await InProcessDaemon.StartAsync();
        var results = Directory.CreateDirectory(Path.Combine(daemon.CacheFolder, "results")).FullName;
        File.WriteAllText(Path.Combine(results, ".staging"), "not a folder");
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 41 }, options = Options });

        Assert.True(result.TryGetProperty("warnings", out _));
        Assert.Empty(Directory.GetDirectories(results));
    }
}
