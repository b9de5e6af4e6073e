using Dime.Daemon.Protocol;
using Dime.Inference;
using Dime.Inference.Files;

namespace Dime.Daemon.Workspace;

/// <summary>
/// Where the daemon keeps derived files and which device it asks for: set by the command line, and by the client
/// in initialize (before any other request runs).
/// </summary>
internal sealed class DaemonSettings(string cacheFolder, string device)
{
    public static readonly string[] Devices = ["auto", "cuda", "cpu"];

    private volatile string _cacheFolder = cacheFolder;
    private volatile string _device = device;

    public string CacheFolder => _cacheFolder;

    /// <summary>auto, cuda or cpu: what the next model load asks for.</summary>
    public string Device => _device;

    public DeviceOptions DeviceOptions => new() { Device = DeviceOptions.ParseKind(Device) };

    /// <summary>Applies what the client said; returns whether the cache folder changed.</summary>
    public bool Configure(string? cacheFolder, string? device)
    {
        if (!string.IsNullOrWhiteSpace(device))
        {
            Validate.OneOf(device, Devices, "device");
            _device = device.ToLowerInvariant();
        }

        if (string.IsNullOrWhiteSpace(cacheFolder))
        {
            return false;
        }

        _cacheFolder = SafeFiles.CheckFolderForWriting(cacheFolder, "cacheFolder");
        return true;
    }
}
