using Dime.Daemon.Hosting;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;

namespace Dime.Daemon;

/// <summary>Where the daemon keeps derived files, which device it asks for, and how much it logs.</summary>
internal sealed record DaemonOptions(string CacheFolder, string Device = "auto", LogLevel LogLevel = LogLevel.Info)
{
    public static string DefaultCacheFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "dime", "cache");
}

/// <summary>
/// The daemon's state, shared by the JSON-RPC handlers and the command line: the opened datasets,
/// the loaded models, the result cache. One instance per process.
/// </summary>
internal sealed class Daemon : IDisposable
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ParentProcessWatcher? _parentWatcher;

    public Daemon(DaemonOptions options, Log log)
    {
        Options = options;
        Log = log;
        Datasets = new DatasetRegistry();
    }

    public DaemonOptions Options { get; private set; }

    public Log Log { get; }

    public DatasetRegistry Datasets { get; }

    public DeviceInfo Device { get; private set; } = new("cpu", "auto", "CPU");

    /// <summary>Completes with the exit code when the client asks the daemon to exit or its parent dies.</summary>
    public Task<int> Exited => _exit.Task;

    /// <summary>Applies what the client said in initialize.</summary>
    public void Configure(string? cacheFolder, string? device, int? parentProcessId)
    {
        if (!string.IsNullOrWhiteSpace(cacheFolder))
        {
            Options = Options with { CacheFolder = Path.GetFullPath(cacheFolder) };
        }

        if (!string.IsNullOrWhiteSpace(device))
        {
            Protocol.Validate.OneOf(device, ["auto", "cuda", "cpu"], "device");
            Options = Options with { Device = device.ToLowerInvariant() };
        }

        if (parentProcessId is { } pid && _parentWatcher is null)
        {
            WatchParent(pid);
        }
    }

    public void WatchParent(int pid)
    {
        _parentWatcher?.Dispose();
        _parentWatcher = new ParentProcessWatcher(pid, () =>
        {
            Log.Info($"parent process {pid} is gone; exiting");
            RequestExit(0);
        });
    }

    public void RequestExit(int code) => _exit.TrySetResult(code);

    public void Dispose() => _parentWatcher?.Dispose();
}
