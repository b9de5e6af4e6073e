using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>
/// A cache on a really full disk (issue 14): the daemon runs in its own user and mount namespaces (unprivileged, no
/// root needed) with its cache folder on a 32 KiB tmpfs, too small for one entry. The explanation is still returned,
/// with a warning that carries the system's ENOSPC message; only export fails (ExportFailed), and no partial entry
/// is left in results/ (read through /proc/pid/root, which sees the daemon's mounts). Skipped, and said so, where
/// the kernel or the container refuses unprivileged namespaces.
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    private const string MountTinyCache = "mount -t tmpfs -o size=32k tmpfs \"$0\" && exec \"$@\"";

    [SkippableFact]
    public async Task A_full_disk_still_returns_the_explanation_fails_only_export_and_leaves_no_partial_entry()
    {
        var cache = TestPaths.NewTempFolder("full-disk");
        var why = await WhyNamespacesAreUnavailable(cache);
        Skip.If(why is not null, $"a tmpfs in an unprivileged mount namespace is not possible here: {why}");

        await using var daemon = DaemonProcess.StartUnder(["unshare", "--user", "--map-root-user", "--mount", "--", "sh", "-c", MountTinyCache, cache], cache, keepCache: false);
        await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "tests" }, device = "cpu" });
        var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString();
        var dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("datasetId").GetString();
        var options = new { imageSamples = 60, textSamples = 60, referenceSize = 12, seed = 21 };

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 42 }, options });

        Assert.NotEmpty(result.GetProperty("values").EnumerateArray());
        Assert.True(!result.TryGetProperty("artifacts", out var artifacts) || artifacts.ValueKind == JsonValueKind.Null, "a result that was not cached names no files");
        var warning = result.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).Single(w => w.Contains("not cached", StringComparison.Ordinal));
        output.WriteLine(warning);
        Assert.Contains("No space left on device", warning, StringComparison.Ordinal);

        var export = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(
            ProtocolNames.Export, new { resultId = result.GetProperty("resultId").GetString(), folder = TestPaths.NewTempFolder("full-disk-export") }));
        Assert.Equal(1501, export.ErrorCode);

        var results = $"/proc/{daemon.Process.Id}/root{cache}/results";
        var left = Directory.EnumerateFileSystemEntries(results, "*", SearchOption.AllDirectories).Select(p => p[results.Length..]).ToArray();
        output.WriteLine($"left under results/ on the full tmpfs: [{string.Join(", ", left)}]");
        Assert.All(left, entry => Assert.Equal("/.staging", entry));

        // the daemon stays up and answers
        var status = await daemon.Call<JsonElement>(ProtocolNames.Status);
        Assert.Equal(0, status.GetProperty("cache").GetProperty("entries").GetInt32());
    }

    /// <summary>Null when this machine lets an unprivileged process mount a tmpfs in new user and mount namespaces; otherwise why not.</summary>
    private static async Task<string?> WhyNamespacesAreUnavailable(string mountPoint)
    {
        try
        {
            var probe = new ProcessStartInfo("unshare") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "--user", "--map-root-user", "--mount", "--", "sh", "-c", MountTinyCache, mountPoint, "true" })
            {
                probe.ArgumentList.Add(argument);
            }

            using var process = Process.Start(probe)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? null : $"unshare exited with {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"unshare could not be started ({e.Message})";
        }
    }
}
