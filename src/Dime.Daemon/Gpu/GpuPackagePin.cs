using System.Reflection;

namespace Dime.Daemon.Gpu;

/// <summary>
/// The CUDA build of ONNX Runtime that `gpu enable` fetches: the package, its version and its SHA-512 (base64, as NuGet
/// records it), all pinned in Directory.Packages.props and compiled into this assembly's metadata.
/// </summary>
internal sealed record GpuPackagePin(string Id, string Version, string Sha512)
{
    public const string LinuxPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    public static GpuPackagePin Pinned { get; } = new(LinuxPackage, Metadata("OrtGpuLinuxVersion"), Metadata("OrtGpuLinuxSha512"));

    /// <summary>The package's file name, lower case as NuGet feeds serve it.</summary>
    public string FileName => $"{Id.ToLowerInvariant()}.{Version.ToLowerInvariant()}.nupkg";

    /// <summary>Where a NuGet v3 flat container (and a hierarchical local feed) keeps it.</summary>
    public string FeedPath => $"{Id.ToLowerInvariant()}/{Version.ToLowerInvariant()}/{FileName}";

    private static string Metadata(string key) =>
        typeof(GpuPackagePin).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The daemon was built without {key} (Directory.Packages.props).");
}
