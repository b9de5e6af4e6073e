using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>
/// A Hugging Face export folder (the ViLT-signature test model: one graph with pixel_mask and token_type_ids, no
/// manifest.json) loaded and explained by the real daemon executable over stdio, and init-manifest on the command line.
/// </summary>
public sealed class HuggingFaceFolderOverRpcTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(TestPaths.RepoRoot, "tests", "Dime.Inference.Tests", "Fixtures", "vilt", "vilt-tiny-vqa");

    [Fact]
    public async Task The_daemon_loads_the_folder_and_explains_with_M_equal_UC_plus_MI()
    {
        await using var daemon = DaemonProcess.Start();
        await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "hf-folder-test" } });

        var model = await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = Folder });
        var dataset = await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset });
        var tokens = await daemon.Call<JsonElement>(ProtocolNames.Tokenize, new { modelId = model.GetProperty("modelId").GetString(), text = "what's 2+2?" });
        var clock = Stopwatch.StartNew();
        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model.GetProperty("modelId").GetString(),
            sample = new { datasetId = dataset.GetProperty("datasetId").GetString(), index = 2 },
            options = new { imageSamples = 100, textSamples = 100, referenceSize = 10, seed = 5 },
        });
        clock.Stop();

        Assert.Equal("vilt-tiny-vqa", model.GetProperty("name").GetString());
        Assert.Equal(32, model.GetProperty("labels").GetArrayLength());
        Assert.Equal("yes", model.GetProperty("labels")[0].GetString());
        Assert.Equal(JsonValueKind.Null, model.TryGetProperty("warnings", out var warnings) ? warnings.ValueKind : JsonValueKind.Null);
        Assert.Equal(
            ["[CLS]", "what", "'", "s", "2", "+", "2", "?", "[SEP]"],
            tokens.GetProperty("tokens").EnumerateArray().Take(tokens.GetProperty("count").GetInt32()).Select(t => t.GetString()));
        foreach (var v in result.GetProperty("values").EnumerateArray())
        {
            Assert.Equal(v.GetProperty("logit").GetDouble(), v.GetProperty("uc").GetDouble() + v.GetProperty("mi").GetDouble(), 4);
        }

        // the provenance names the folder, so the result reproduces from it bit for bit
        Assert.Equal(Folder, result.GetProperty("provenance").GetProperty("model").GetProperty("manifestPath").GetString());
        var reproduced = await daemon.Call<JsonElement>(ProtocolNames.Reproduce, new { resultId = result.GetProperty("resultId").GetString() });
        Assert.True(reproduced.GetProperty("identical").GetBoolean(), reproduced.ToString());

        var timings = result.GetProperty("timings");
        Assert.True(timings.GetProperty("rows.model").GetDouble() > 0, timings.ToString());
        output.WriteLine($"ViLT-signature folder over the daemon: explanation {clock.ElapsedMilliseconds} ms wall (100 image + 100 text samples, 10 references); timings {timings}");
    }

    [Fact]
    public async Task Init_manifest_prints_the_derived_manifest_and_refuses_to_overwrite()
    {
        var folder = TestPaths.NewTempFolder("hf-export");
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var printed = await Run("init-manifest", folder, "--print");
        var written = await Run("init-manifest", folder);
        var again = await Run("init-manifest", folder);

        Assert.True(printed.Code == 0, printed.Err);
        using var manifest = JsonDocument.Parse(printed.Out);
        Assert.Equal("config.json", manifest.RootElement.GetProperty("labels").GetString());
        Assert.Equal("model.logits", manifest.RootElement.GetProperty("logits").GetString());
        Assert.Equal(0, written.Code);
        Assert.Contains("wrote ", written.Out, StringComparison.Ordinal);
        Assert.Equal(printed.Out, await File.ReadAllTextAsync(Path.Combine(folder, "manifest.json")));
        Assert.Equal(2, again.Code);
        Assert.Contains("--force", again.Err, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DaemonProcess.DaemonDll);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
