using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using StreamJsonRpc;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>Provenance and `reproduce` on the demo model and dataset, through the real protocol and the real command line.</summary>
public sealed class ReproduceTests(ITestOutputHelper output)
{
    private static readonly object QuickOptions = new { imageSamples = 80, textSamples = 80, referenceSize = 20, seed = 5 };

    [Fact]
    public async Task A_stored_explanation_is_reproduced_bit_for_bit_from_its_provenance()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var stored = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = QuickOptions });

        var byId = await daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { resultId = stored.GetProperty("resultId").GetString() });
        var byPath = await daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { path = ResultFile(stored) });

        foreach (var report in new[] { byId, byPath })
        {
            Assert.True(report.GetProperty("identical").GetBoolean(), report.GetRawText());
            Assert.Equal(0, report.GetProperty("differing").GetInt32());
            Assert.Equal(0, report.GetProperty("tolerance").GetDouble());
            Assert.Empty(report.GetProperty("environmentChanges").EnumerateArray());
            Assert.False(report.TryGetProperty("largest", out _));
        }

        // every weight of every label and part, and the instance's values, were among the numbers compared
        var image = stored.GetProperty("image");
        var weights = image.GetProperty("explanations").GetArrayLength() * 3 * image.GetProperty("segmentation").GetProperty("count").GetInt32();
        Assert.True(byId.GetProperty("compared").GetInt32() > weights + (stored.GetProperty("values").GetArrayLength() * 6), byId.GetRawText());
    }

    [Fact]
    public async Task A_stored_number_that_differs_is_reported_with_its_path_and_a_changed_shape_as_a_mismatch()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var stored = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 8 }, options = QuickOptions });
        var node = JsonNode.Parse(await File.ReadAllTextAsync(ResultFile(stored)))!.AsObject();
        var weights = node["image"]!["explanations"]![2]!["mi"]!["weights"]!.AsArray();
        var original = weights[17]!.GetValue<double>();
        weights[17] = original + 1e-9;
        node["values"]![0]!["uc"] = node["values"]![0]!["uc"]!.GetValue<double>() + 1e-12;
        node["text"]!["explanations"]![0]!["m"]!["weights"]!.AsArray().RemoveAt(0);
        var tampered = Path.Combine(TestPaths.NewTempFolder("tampered"), "result.json");
        await File.WriteAllTextAsync(tampered, node.ToJsonString());

        var report = await daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { path = tampered });

        Assert.False(report.GetProperty("identical").GetBoolean());
        Assert.False(report.GetProperty("withinTolerance").GetBoolean());
        Assert.Equal(2, report.GetProperty("differing").GetInt32());
        var largest = report.GetProperty("largest");
        Assert.Equal("image.explanations[2].mi.weights[17]", largest.GetProperty("path").GetString());
        Assert.Equal(original, largest.GetProperty("reproduced").GetDouble());
        Assert.Equal(original + 1e-9, largest.GetProperty("stored").GetDouble());
        var mismatch = Assert.Single(report.GetProperty("mismatches").EnumerateArray()).GetString();
        Assert.StartsWith("text.explanations[0].m.weights:", mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_provenance_names_every_input_with_its_hash_and_its_size_is_reported()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = new { imageSamples = 80, textSamples = 80, seed = 5 } });
        var p = result.GetProperty("provenance");

        var datasetHash = Sha256(TestPaths.DemoDataset);
        Assert.Equal(datasetHash, p.GetProperty("sample").GetProperty("datasetHash").GetString());
        Assert.Equal(5, p.GetProperty("sample").GetProperty("line").GetInt32());
        Assert.Equal(Sha256(Path.Combine(TestPaths.RepoRoot, "demo", "dataset", "images", "0004.png")), p.GetProperty("sample").GetProperty("imageHash").GetString());
        Assert.Equal(result.GetProperty("model").GetProperty("hash").GetString(), p.GetProperty("model").GetProperty("hash").GetString());

        var reference = p.GetProperty("reference");
        Assert.Equal(datasetHash, reference.GetProperty("datasetHash").GetString());
        Assert.Equal(100, reference.GetProperty("ids").GetArrayLength());
        var lines = File.ReadAllLines(TestPaths.DemoDataset);
        var ids = reference.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        var referenceLines = reference.GetProperty("lines").EnumerateArray().Select(l => l.GetInt32()).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Contains($"\"id\": \"{ids[i]}\"", lines[referenceLines[i] - 1], StringComparison.Ordinal);
        }

        Assert.Equal(5, p.GetProperty("random").GetProperty("seed").GetInt32());
        Assert.Equal(3, p.GetProperty("random").GetProperty("streams").GetProperty("reference").GetInt32());
        Assert.Equal(80, p.GetProperty("options").GetProperty("imageSamples").GetInt32());
        Assert.False(string.IsNullOrEmpty(p.GetProperty("environment").GetProperty("daemon").GetString()));
        Assert.False(string.IsNullOrEmpty(p.GetProperty("environment").GetProperty("onnxRuntime").GetString()));

        var bytes = System.Text.Encoding.UTF8.GetByteCount(p.GetRawText());
        var whole = System.Text.Encoding.UTF8.GetByteCount(result.GetRawText());
        output.WriteLine($"provenance: {bytes} bytes of a {whole}-byte result ({100.0 * bytes / whole:0.0} %), N = 100");
        Assert.InRange(bytes, 500, 8_000);
    }

    [Fact]
    public async Task An_edited_dataset_is_detected_and_named()
    {
        var copy = CopyDemoDataset();
        await using var daemon = await InProcessDaemon.StartAsync();
        var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString();
        var dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = copy })).GetProperty("datasetId").GetString();
        var stored = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = QuickOptions });

        var lines = File.ReadAllLines(copy);
        lines[200] = lines[200].Replace("\"question\": \"", "\"question\": \"please, ", StringComparison.Ordinal);
        File.WriteAllLines(copy, lines);

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { resultId = stored.GetProperty("resultId").GetString() }));
        Assert.Equal((int)ErrorCode.DatasetChanged, error.ErrorCode);
        Assert.Contains("was edited", error.Message, StringComparison.Ordinal);
        Assert.Contains(copy, error.Message, StringComparison.Ordinal);
        var status = await daemon.Call<JsonElement>(ProtocolNames.Status);
        Assert.Equal("ready", status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_changed_image_and_a_replaced_model_are_named()
    {
        var copy = CopyDemoDataset();
        var modelFolder = TestPaths.NewTempFolder("model");
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(TestPaths.CleanManifest)!))
        {
            File.Copy(file, Path.Combine(modelFolder, Path.GetFileName(file)));
        }

        var manifest = Path.Combine(modelFolder, "manifest.json");
        string resultJson;
        await using (var daemon = await InProcessDaemon.StartAsync())
        {
            var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = manifest })).GetProperty("modelId").GetString();
            var dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = copy })).GetProperty("datasetId").GetString();
            var stored = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = QuickOptions });
            resultJson = Path.Combine(TestPaths.NewTempFolder("result"), "result.json");
            File.Copy(ResultFile(stored), resultJson);
        }

        // the manifest gains a space: same model, other files, another hash
        var original = await File.ReadAllBytesAsync(manifest);
        await File.AppendAllTextAsync(manifest, " ");
        await using (var daemon = await InProcessDaemon.StartAsync())
        {
            var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { path = resultJson }));
            Assert.Equal((int)ErrorCode.ModelChanged, error.ErrorCode);
            Assert.Contains("was replaced", error.Message, StringComparison.Ordinal);
        }

        await File.WriteAllBytesAsync(manifest, original);
        var folder = Path.GetDirectoryName(copy)!;
        File.Copy(Path.Combine(folder, "images", "0005.png"), Path.Combine(folder, "images", "0004.png"), overwrite: true);
        await using (var daemon = await InProcessDaemon.StartAsync())
        {
            var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { path = resultJson }));
            Assert.Equal((int)ErrorCode.ImageChanged, error.ErrorCode);
            Assert.Contains("0004.png", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_result_without_provenance_is_refused_with_a_typed_error()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var stored = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 6 }, options = QuickOptions });
        var node = JsonNode.Parse(await File.ReadAllTextAsync(ResultFile(stored)))!.AsObject();
        node.Remove("provenance");
        var old = Path.Combine(TestPaths.NewTempFolder("old"), "result.json");
        await File.WriteAllTextAsync(old, node.ToJsonString());

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { path = old }));
        Assert.Equal((int)ErrorCode.ProvenanceMissing, error.ErrorCode);
        var missing = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { }));
        Assert.Equal((int)ErrorCode.InvalidArgument, missing.ErrorCode);
    }

    [Fact]
    public async Task Labels_by_name_and_by_index_are_told_apart_and_an_ambiguous_one_warns_in_the_result()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);
        var labels = (await daemon.Call<JsonElement>(ProtocolNames.Status)).GetProperty("models")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
        var named0 = labels.IndexOf("0");
        Assert.True(named0 > 0, "the demo model has a label named \"0\" that is not label 0");

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model,
            sample = new { datasetId = dataset, index = 1 },
            options = new { imageSamples = 40, textSamples = 40, referenceSize = 10, labels = new object[] { "0", "index:0", "#1", "name:circle", 2 } },
        });

        var explained = result.GetProperty("image").GetProperty("explanations").EnumerateArray().Select(e => e.GetProperty("label").GetInt32()).ToList();
        Assert.Equal([named0, 0, 1, labels.IndexOf("circle"), 2], explained);
        Assert.Equal(explained, result.GetProperty("provenance").GetProperty("labels").GetProperty("resolved").EnumerateArray().Select(i => i.GetInt32()));
        var warning = Assert.Single(result.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("label '0' is both", warning, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model, sample = new { datasetId = dataset, index = 1 }, options = new { labels = new[] { $"#{labels.Count}" } },
        }));
        Assert.Equal((int)ErrorCode.InvalidArgument, error.ErrorCode);
    }

    [Fact]
    public async Task The_command_line_reproduces_what_it_explained_and_shows_the_labels()
    {
        var folder = TestPaths.NewTempFolder("cli");
        var cache = Path.Combine(folder, "cache");
        var explain = await RunCli(
            "--cache", cache, "--log-level", "warning", "explain", "--index", "4", "--image-samples", "60", "--text-samples", "60", "--reference-size", "15",
            "--labels", "0,#0,name:circle", "--out", Path.Combine(folder, "out"));
        Assert.Equal(0, explain.Code);
        Assert.Contains("labels:     0 (#", explain.Stdout, StringComparison.Ordinal);
        Assert.Contains(", yes (#0), circle (#", explain.Stdout, StringComparison.Ordinal);
        Assert.Contains("label '0' is both", explain.Stderr, StringComparison.Ordinal);

        var reproduce = await RunCli("--cache", cache, "--log-level", "warning", "reproduce", Path.Combine(folder, "out"));
        Assert.Equal(0, reproduce.Code);
        Assert.Contains("identical, bit for bit", reproduce.Stdout, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunCli(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DaemonProcess.DaemonDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string CopyDemoDataset()
    {
        var folder = TestPaths.NewTempFolder("dataset");
        var demo = Path.GetDirectoryName(TestPaths.DemoDataset)!;
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        foreach (var image in Directory.GetFiles(Path.Combine(demo, "images")))
        {
            File.Copy(image, Path.Combine(folder, "images", Path.GetFileName(image)));
        }

        var copy = Path.Combine(folder, "samples.jsonl");
        File.Copy(TestPaths.DemoDataset, copy);
        return copy;
    }

    private static string ResultFile(JsonElement result)
    {
        var artifacts = result.GetProperty("artifacts");
        return Path.Combine(artifacts.GetProperty("folder").GetString()!, artifacts.GetProperty("json").GetString()!);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
