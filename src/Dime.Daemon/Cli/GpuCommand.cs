using System.CommandLine;
using System.Text.Json;
using Dime.Daemon.Gpu;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>
/// `gpu enable`: fetches the pinned CUDA build of ONNX Runtime (Gpu/GpuPackageInstaller.cs), verifies it, installs its
/// natives and says whether this machine has the CUDA 13 and cuDNN 9 libraries it needs. The daemon uses them when
/// started with `--ort-natives &lt;folder&gt;` (the extension's "DIME: Enable GPU" does both).
/// </summary>
internal static class GpuCommand
{
    public static string DefaultFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "dime", "gpu");

    /// <summary>What `gpu enable --json` prints: the natives' folder, the package, and the CUDA libraries that do not load.</summary>
    internal sealed record EnableReport(string Folder, string Package, string Version, string Sha512, bool Downloaded, IReadOnlyList<CudaLibraries.Requirement> Missing, string Cuda);

    public static Command Create()
    {
        var into = new Option<string?>("--into") { Description = $"Folder to install into (default: {DefaultFolder})." };
        var feed = new Option<string>("--feed") { Description = "NuGet v3 flat-container URL, or a local folder feed.", DefaultValueFactory = _ => GpuPackageInstaller.NuGetFeed };
        var json = new Option<bool>("--json") { Description = "Print the outcome as one JSON object." };
        var enable = new Command("enable", "Fetch the pinned CUDA build of ONNX Runtime from NuGet, verify its SHA-512, install its natives and check for CUDA 13 / cuDNN 9.") { into, feed, json };
        enable.SetAction(async (result, cancellationToken) =>
        {
            var pin = GpuPackagePin.Pinned;
            var source = result.GetValue(feed)!;
            var folder = result.GetValue(into) is { } given ? Inference.Files.SafeFiles.CheckFolderForWriting(given, "--into") : DefaultFolder;
            if (!result.GetValue(json))
            {
                Console.Error.WriteLine($"fetching {pin.Id} {pin.Version} from {source} …");
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            var installed = await GpuPackageInstaller.InstallAsync(pin, source, folder, http, cancellationToken).ConfigureAwait(false);
            var missing = CudaLibraries.Missing();
            var report = new EnableReport(installed.Folder, pin.Id, pin.Version, pin.Sha512, !installed.AlreadyThere, missing, CudaLibraries.Describe(missing));
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Json.Options));
                return 0;
            }

            Console.WriteLine(installed.AlreadyThere ? $"already installed: {installed.Folder}" : $"installed {pin.Id} {pin.Version} (SHA-512 verified) in {installed.Folder}");
            Console.WriteLine(missing.Count == 0 ? "CUDA: the CUDA 13 and cuDNN 9 libraries load." : $"CUDA: {report.Cuda}.");
            Console.WriteLine($"use it: Dime.Daemon --ort-natives {installed.Folder} --device cuda explain …");
            return 0;
        });
        return new Command("gpu", "The CUDA build of ONNX Runtime: fetch, verify and install it.") { enable };
    }
}
