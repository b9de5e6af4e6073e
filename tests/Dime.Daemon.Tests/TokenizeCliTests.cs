using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dime.Daemon.Tests;

/// <summary>The tokenize and check-model commands of the built daemon, run as a user runs them.</summary>
public sealed class TokenizeCliTests
{
    [Fact]
    public async Task Tokenize_prints_the_ids_and_the_unknown_words_as_json()
    {
        var (code, output) = await RunAsync("tokenize", "What COLOR is the zebra?", "--model", TestPaths.CleanManifest, "--json", "--device", "cpu");

        Assert.Equal(0, code);
        using var result = JsonDocument.Parse(output);
        Assert.Equal(new[] { "what", "color", "is", "the", "<unk>" }, result.RootElement.GetProperty("tokens").EnumerateArray().Take(5).Select(t => t.GetString()));
        Assert.Equal(new[] { "zebra" }, result.RootElement.GetProperty("unknownWords").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Check_model_warns_about_punctuation_that_becomes_unknown()
    {
        var folder = Directory.CreateTempSubdirectory("dime-warn").FullName;
        try
        {
            var source = Path.GetDirectoryName(TestPaths.CleanManifest)!;
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "manifest.json")))!;
            manifest["tokenizer"]!["pattern"] = @"\w+|[^\w\s]";
            await File.WriteAllTextAsync(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());

            var (code, output) = await RunAsync("check-model", Path.Combine(folder, "manifest.json"), "--device", "cpu");

            Assert.Equal(0, code);
            Assert.Contains("warning: tokenizer.pattern: '", output, StringComparison.Ordinal);
            Assert.Contains("'?'", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DaemonProcess.DaemonDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await errors);
        return (process.ExitCode, await output);
    }
}
