using System.Diagnostics;
using Xunit;

namespace Dime.Daemon.Tests;

/// <summary>The `explain` command line, run as the real daemon executable.</summary>
public sealed class ExplainCliTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] arguments) => RunWithCache(TestPaths.NewTempFolder("cli-cache"), arguments);

    private static async Task<(int Code, string Out, string Err)> RunWithCache(string cache, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { DaemonProcess.DaemonDll, "explain", "--cache", cache }.Concat(arguments))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task An_image_without_a_question_is_a_clear_error()
    {
        var (code, _, err) = await Run("--model", TestPaths.CleanManifest, "--image", Path.Combine(TestPaths.RepoRoot, "demo", "dataset", "images", "0004.png"));
        Assert.Equal(2, code);
        Assert.Contains("--image needs --question", err, StringComparison.Ordinal);
        Assert.DoesNotContain("bundled demo", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_past_the_end_names_the_range()
    {
        var (code, _, err) = await Run("--model", TestPaths.CleanManifest, "--dataset", TestPaths.DemoDataset, "--index", "100000");
        Assert.Equal(2, code);
        Assert.Matches(@"--index 100000 is past the end of samples\.jsonl: it has \d+ samples \(--index 0 to \d+\)", err);
    }

    [Fact]
    public async Task A_line_without_a_sample_is_refused_with_the_reason()
    {
        var (code, _, err) = await Run("--model", TestPaths.CleanManifest, "--dataset", TestPaths.DemoDataset, "--line", "301");
        Assert.Equal(2, code);
        Assert.Contains("line 301 of samples.jsonl is not a sample: the file has 300 lines.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_prints_the_top_features_of_M_UC_and_MI()
    {
        var folder = TestPaths.NewTempFolder("cli-out");
        var cache = TestPaths.NewTempFolder("cli-cache");
        string[] arguments = [
            "--model", TestPaths.CleanManifest, "--dataset", TestPaths.DemoDataset, "--index", "4",
            "--image-samples", "60", "--text-samples", "60", "--reference-size", "8", "--labels", "top", "--out", folder];
        var (code, output, err) = await RunWithCache(cache, arguments);
        Assert.True(code == 0, err);
        foreach (var part in new[] { "M:", "UC:", "MI:" })
        {
            Assert.Matches($@"top {part}\s+words \S+ [+-]?\d+\.\d\d, .*regions \d+ [+-]?\d+\.\d\d", output);
        }

        Assert.DoesNotContain("-+", output, StringComparison.Ordinal);
        Assert.Matches(@"model runs: [1-9]\d*", output);
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));

        // the same explanation again: answered from the cache with no model run, and its files drawn again
        File.Delete(Path.Combine(folder, "report.html"));
        var (againCode, again, againErr) = await RunWithCache(cache, arguments);
        Assert.True(againCode == 0, againErr);
        Assert.Matches(@"time: \d+\.\d+ s from the cache \(computed in \d+\.\d s\)\s+model runs: 0\b", again);
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public async Task A_wired_model_reports_its_graph_calls_in_the_timings()
    {
        var folder = TestPaths.NewTempFolder("cli-out");
        var model = Path.Combine(TestPaths.RepoRoot, "tests", "Dime.Inference.Tests", "Fixtures", "lxmert", "manifest.json");
        var (code, _, err) = await Run(
            "--model", model, "--dataset", TestPaths.DemoDataset, "--index", "4",
            "--image-samples", "60", "--text-samples", "60", "--reference-size", "8", "--labels", "top", "--out", folder);
        Assert.True(code == 0, err);

        using var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
        var timings = result.RootElement.GetProperty("timings");
        // the detector sees each distinct image once: 8 references, the instance, 60 perturbed images
        Assert.Equal(8 + 1 + 60, timings.GetProperty("rows.detector").GetDouble());
        Assert.True(timings.GetProperty("rows.crossmodal").GetDouble() >= 9 * 120, timings.ToString());
    }

    [Theory]
    [InlineData(12.2249, 2, "+12.22")]
    [InlineData(-0.051, 2, "-0.05")]
    [InlineData(-0.001, 2, "0.00")] // was "-+0.00"
    [InlineData(0.004, 2, "0.00")]
    [InlineData(-0.0, 2, "0.00")]
    [InlineData(-0.0004, 3, "0.000")]
    [InlineData(-0.0006, 3, "-0.001")]
    public void Weights_print_with_one_sign_and_none_when_they_round_to_zero(double weight, int decimals, string expected) =>
        Assert.Equal(expected, Cli.WeightText.Signed(weight, decimals));
}
