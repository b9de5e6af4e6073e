using Dime.Daemon.Protocol;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Dime.Daemon.Gpu;
using Dime.Engine.Errors;
using Xunit;

namespace Dime.Daemon.Tests;

/// <summary>
/// `gpu enable`: the pinned CUDA build of ONNX Runtime fetched from a feed, verified against the pinned SHA-512 and
/// installed whole or not at all; the daemon then runs ONNX Runtime from that folder (`--ort-natives`). The feeds are
/// local: a tiny fake package over HTTP on 127.0.0.1 and in a folder, and the real package from NuGet's own cache.
/// No GPU is needed: on a machine without CUDA the daemon must name the folder's provider in its fallback reason.
/// </summary>
public sealed class GpuPackageTests
{
    private static byte[] FakePackage(params string[] natives)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("microsoft.ml.onnxruntime.gpu.linux.nuspec").Open().Dispose();
            foreach (var name in natives)
            {
                using var entry = new StreamWriter(zip.CreateEntry("runtimes/linux-x64/native/" + name).Open());
                entry.Write("fake " + name);
            }
        }

        return bytes.ToArray();
    }

    private static readonly string[] AllNatives = [.. GpuPackageInstaller.Natives];

    private static GpuPackagePin PinFor(byte[] package) => GpuPackagePin.Pinned with { Sha512 = Convert.ToBase64String(SHA512.HashData(package)) };

    /// <summary>Serves <paramref name="package"/> at the pin's flat-container path; counts the requests.</summary>
    private sealed class LocalFeed : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;
        private int _requests;

        public LocalFeed(byte[] package, string path)
        {
            for (var attempt = 0; ; attempt++)
            {
                Url = $"http://127.0.0.1:{Random.Shared.Next(20000, 60000)}/v3-flatcontainer/";
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(Url);
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 20)
                {
                }
            }

            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    Interlocked.Increment(ref _requests);
                    var found = context.Request.Url!.AbsolutePath == new Uri(new Uri(Url), path).AbsolutePath;
                    context.Response.StatusCode = found ? 200 : 404;
                    if (found)
                    {
                        await context.Response.OutputStream.WriteAsync(package);
                    }

                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private static void AssertNothingInstalled(string into) =>
        Assert.Empty(Directory.Exists(into) ? Directory.EnumerateFileSystemEntries(into) : []);

    [Fact]
    public void The_pin_is_the_version_and_hash_in_Directory_Packages_props()
    {
        var props = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Packages.props"));
        var version = props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == GpuPackagePin.LinuxPackage).Attribute("Version")!.Value;
        Assert.Equal(version, GpuPackagePin.Pinned.Version);
        Assert.Equal(props.Descendants("OrtGpuLinuxSha512").Single().Value, GpuPackagePin.Pinned.Sha512);
        Assert.Equal(64, Convert.FromBase64String(GpuPackagePin.Pinned.Sha512).Length);
    }

    [Fact]
    public async Task A_package_with_the_pinned_hash_is_installed_from_an_HTTP_feed_once()
    {
        var package = FakePackage(AllNatives);
        var pin = PinFor(package);
        using var feed = new LocalFeed(package, pin.FeedPath);
        using var http = new HttpClient();
        var into = TestPaths.NewTempFolder("gpu-http");

        var installed = await GpuPackageInstaller.InstallAsync(pin, feed.Url, into, http, CancellationToken.None);

        Assert.False(installed.AlreadyThere);
        Assert.Equal(GpuPackageInstaller.FolderFor(into, pin), installed.Folder);
        foreach (var native in AllNatives)
        {
            Assert.Equal("fake " + native, File.ReadAllText(Path.Combine(installed.Folder, native)));
        }

        Assert.Equal([Path.GetFileName(installed.Folder)], Directory.EnumerateFileSystemEntries(into).Select(Path.GetFileName));
        var again = await GpuPackageInstaller.InstallAsync(pin, feed.Url, into, http, CancellationToken.None);
        Assert.True(again.AlreadyThere);
        Assert.Equal(1, feed.Requests);
    }

    [Fact]
    public async Task A_package_whose_hash_is_not_the_pinned_one_installs_nothing()
    {
        var package = FakePackage(AllNatives);
        var pin = PinFor(FakePackage("something else"));
        using var feed = new LocalFeed(package, pin.FeedPath);
        using var http = new HttpClient();
        var into = TestPaths.NewTempFolder("gpu-mismatch");

        var error = await Assert.ThrowsAsync<DaemonException>(() => GpuPackageInstaller.InstallAsync(pin, feed.Url, into, http, CancellationToken.None));

        Assert.Equal(ErrorCode.GpuPackageInvalid, error.Code);
        Assert.Contains(Convert.ToBase64String(SHA512.HashData(package)), error.Message, StringComparison.Ordinal);
        Assert.Contains($"not the pinned {pin.Sha512}", error.Message, StringComparison.Ordinal);
        AssertNothingInstalled(into);
    }

    [Fact]
    public async Task A_folder_feed_works_and_a_package_without_the_CUDA_provider_installs_nothing()
    {
        var feedFolder = TestPaths.NewTempFolder("gpu-feed");
        using var http = new HttpClient();

        var complete = FakePackage(AllNatives);
        var pin = PinFor(complete);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(feedFolder, pin.FeedPath))!);
        File.WriteAllBytes(Path.Combine(feedFolder, pin.FeedPath), complete);
        var installed = await GpuPackageInstaller.InstallAsync(pin, feedFolder, TestPaths.NewTempFolder("gpu-folder"), http, CancellationToken.None);
        Assert.True(GpuPackageInstaller.IsInstalled(installed.Folder, pin));

        var partial = FakePackage("libonnxruntime.so", "libonnxruntime_providers_shared.so");
        var partialPin = PinFor(partial);
        File.WriteAllBytes(Path.Combine(feedFolder, pin.FeedPath), partial);
        var into = TestPaths.NewTempFolder("gpu-partial");
        var error = await Assert.ThrowsAsync<DaemonException>(() => GpuPackageInstaller.InstallAsync(partialPin, "file://" + feedFolder, into, http, CancellationToken.None));
        Assert.Equal(ErrorCode.GpuPackageInvalid, error.Code);
        Assert.Contains("has no runtimes/linux-x64/native/libonnxruntime_providers_cuda.so", error.Message, StringComparison.Ordinal);
        AssertNothingInstalled(into);

        var missing = await Assert.ThrowsAsync<DaemonException>(() => GpuPackageInstaller.InstallAsync(pin, TestPaths.NewTempFolder("gpu-empty-feed"), into, http, CancellationToken.None));
        Assert.Equal(ErrorCode.GpuPackageUnavailable, missing.Code);
    }

    [Fact]
    public async Task The_command_refuses_a_package_that_is_not_the_pinned_one()
    {
        var fake = FakePackage(AllNatives);
        using var feed = new LocalFeed(fake, GpuPackagePin.Pinned.FeedPath);
        var into = TestPaths.NewTempFolder("gpu-cli");

        var (code, _, err) = await RunDaemon("gpu", "enable", "--feed", feed.Url, "--into", into);

        Assert.Equal(2, code);
        Assert.Contains($"error 1701 GpuPackageInvalid: {GpuPackagePin.Pinned.FileName} from {feed.Url} has SHA-512", err, StringComparison.Ordinal);
        AssertNothingInstalled(into);
    }

    [Fact]
    public async Task The_real_pinned_package_installs_from_NuGets_cache_and_the_daemon_runs_ONNX_Runtime_from_it()
    {
        var pin = GpuPackagePin.Pinned;
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var feed = Path.Combine(cache, pin.Id.ToLowerInvariant(), pin.Version);
        Assert.True(File.Exists(Path.Combine(feed, pin.FileName)), $"the restore left {pin.FileName} in {feed}");
        var into = TestPaths.NewTempFolder("gpu-real");
        try
        {
            await InstallAndRunFrom(feed, into, pin);
        }
        finally
        {
            Directory.Delete(into, recursive: true); // about 320 MB
        }
    }

    private static async Task InstallAndRunFrom(string feed, string into, GpuPackagePin pin)
    {
        var (code, output, err) = await RunDaemon("gpu", "enable", "--feed", feed, "--into", into, "--json");
        Assert.True(code == 0, err);
        using var report = JsonDocument.Parse(output);
        var folder = report.RootElement.GetProperty("folder").GetString()!;
        Assert.Equal(GpuPackageInstaller.FolderFor(into, pin), folder);
        Assert.Equal(pin.Sha512, report.RootElement.GetProperty("sha512").GetString());
        var missing = report.RootElement.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("library").GetString()).ToList();
        Assert.Equal(missing.Count == 0, report.RootElement.GetProperty("cuda").GetString()!.Contains("load", StringComparison.Ordinal));

        // ONNX Runtime runs from the installed folder: it looks for its CUDA provider there
        var cacheFolder = TestPaths.NewTempFolder("gpu-real-cache");
        var outFolder = TestPaths.NewTempFolder("gpu-real-out");
        (code, _, err) = await RunDaemon(
            "--ort-natives", folder, "explain", "--cache", cacheFolder, "--model", TestPaths.CleanManifest, "--dataset", TestPaths.DemoDataset,
            "--index", "4", "--image-samples", "30", "--text-samples", "30", "--reference-size", "4", "--out", outFolder);
        Assert.True(code == 0, err);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(outFolder, "result.json")));
        var device = result.RootElement.GetProperty("device");
        if (device.GetProperty("kind").GetString() != "cuda")
        {
            Assert.NotEmpty(missing);
            Assert.Contains(Path.Combine(folder, "libonnxruntime_providers_cuda.so"), device.GetProperty("fallbackReason").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_natives_folder_without_ONNX_Runtime_is_a_clear_error()
    {
        var empty = TestPaths.NewTempFolder("gpu-none");
        var (code, _, err) = await RunDaemon("--ort-natives", empty, "tokenize", "what is red?");
        Assert.Equal(2, code);
        Assert.Contains($"{empty} has no libonnxruntime.so", err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CUDA_message_names_what_is_missing_and_what_provides_it()
    {
        var text = CudaLibraries.Describe([CudaLibraries.Required[1], CudaLibraries.Required[^1]]);
        Assert.Equal(
            "this machine lacks libcudart.so.13 (the CUDA 13 runtime), libcudnn.so.9 (cuDNN 9): install the NVIDIA driver, CUDA 13 and cuDNN 9 (or put their lib folders on LD_LIBRARY_PATH), then restart the daemon",
            text);
        Assert.Equal("the CUDA 13 and cuDNN 9 libraries load", CudaLibraries.Describe([]));
    }

    private static async Task<(int Code, string Out, string Err)> RunDaemon(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(DaemonProcess.DaemonDll);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
