using Dime.Daemon.Protocol;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Dime.Engine.Errors;

namespace Dime.Daemon.Gpu;

/// <summary>
/// Fetches the pinned CUDA build of ONNX Runtime from a NuGet feed, checks its SHA-512 against the pin before anything
/// is unpacked, and installs its Linux natives (ONNX Runtime, its shared provider bridge and the CUDA provider) into
/// `&lt;into&gt;/onnxruntime-gpu-&lt;version&gt;/`, whole or not at all. The daemon then runs from that folder
/// (`--ort-natives`).
/// </summary>
internal static class GpuPackageInstaller
{
    public const string NuGetFeed = "https://api.nuget.org/v3-flatcontainer/";

    /// <summary>What is taken from the package's runtimes/linux-x64/native/.</summary>
    public static readonly IReadOnlyList<string> Natives = ["libonnxruntime.so", "libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so"];

    private const string NativeFolder = "runtimes/linux-x64/native/";
    private const string Receipt = "package.json";
    private const long MaxPackageBytes = 1L << 30;

    public sealed record Installed(string Folder, bool AlreadyThere);

    public static string FolderFor(string into, GpuPackagePin pin) => Path.Combine(Path.GetFullPath(into), $"onnxruntime-gpu-{pin.Version}");

    public static async Task<Installed> InstallAsync(GpuPackagePin pin, string feed, string into, HttpClient http, CancellationToken cancellationToken)
    {
        var target = FolderFor(into, pin);
        if (IsInstalled(target, pin))
        {
            return new Installed(target, AlreadyThere: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var unique = Guid.NewGuid().ToString("N");
        var download = Path.Combine(Path.GetDirectoryName(target)!, $".{pin.FileName}.{unique}.part");
        var staging = Path.Combine(Path.GetDirectoryName(target)!, $".staging-{unique}");
        try
        {
            var actual = await DownloadAsync(pin, feed, download, http, cancellationToken).ConfigureAwait(false);
            if (actual != pin.Sha512)
            {
                throw new DaemonException(
                    ErrorCode.GpuPackageInvalid,
                    $"{pin.FileName} from {feed} has SHA-512 {actual}, not the pinned {pin.Sha512}: nothing was installed.",
                    pin.FileName);
            }

            Directory.CreateDirectory(staging);
            Extract(download, staging, pin);
            await File.WriteAllTextAsync(Path.Combine(staging, Receipt), JsonSerializer.Serialize(new { id = pin.Id, version = pin.Version, sha512 = pin.Sha512, feed }), cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true); // an incomplete or other install of this version
            }

            Directory.Move(staging, target);
            return new Installed(target, AlreadyThere: false);
        }
        finally
        {
            File.Delete(download);
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Installed from this pin, every native present.</summary>
    public static bool IsInstalled(string folder, GpuPackagePin pin)
    {
        try
        {
            using var receipt = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, Receipt)));
            return receipt.RootElement.GetProperty("sha512").GetString() == pin.Sha512 && Natives.All(n => File.Exists(Path.Combine(folder, n)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Copies the package to <paramref name="file"/> and returns its SHA-512 (base64).</summary>
    private static async Task<string> DownloadAsync(GpuPackagePin pin, string feed, string file, HttpClient http, CancellationToken cancellationToken)
    {
        Stream source;
        if (feed.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || feed.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var url = new Uri(new Uri(feed.EndsWith('/') ? feed : feed + "/"), pin.FeedPath);
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new DaemonException(ErrorCode.GpuPackageUnavailable, $"{url} could not be fetched: {e.Message}", url.ToString(), e);
            }

            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new DaemonException(ErrorCode.GpuPackageUnavailable, $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", url.ToString());
            }

            source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // a local feed: a folder (or file:// URI) in NuGet's hierarchical layout, or holding the .nupkg itself
            var folder = feed.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(feed).LocalPath : feed;
            var path = new[] { Path.Combine(folder, pin.FeedPath), Path.Combine(folder, pin.FileName) }.FirstOrDefault(File.Exists)
                ?? throw new DaemonException(ErrorCode.GpuPackageUnavailable, $"The feed {folder} has no {pin.FeedPath} nor {pin.FileName}.", folder);
            source = File.OpenRead(path);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        await using (source.ConfigureAwait(false))
        {
            var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > MaxPackageBytes)
                    {
                        throw new DaemonException(ErrorCode.GpuPackageInvalid, $"{pin.FileName} from {feed} is larger than {MaxPackageBytes >> 20} MiB: nothing was installed.", pin.FileName);
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    private static void Extract(string package, string folder, GpuPackagePin pin)
    {
        try
        {
            using var archive = ZipFile.OpenRead(package);
            foreach (var name in Natives)
            {
                var entry = archive.GetEntry(NativeFolder + name)
                    ?? throw new DaemonException(ErrorCode.GpuPackageInvalid, $"{pin.FileName} has no {NativeFolder}{name}: nothing was installed.", pin.FileName);
                var path = Path.Combine(folder, name);
                entry.ExtractToFile(path);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DaemonException(ErrorCode.GpuPackageInvalid, $"{pin.FileName} is not a readable package ({e.Message}): nothing was installed.", pin.FileName, e);
        }
    }
}
