using Dime.Daemon.Explaining;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Inference;

namespace Dime.Daemon;

/// <summary>Where the daemon keeps derived files, which device it asks for, and how much it logs.</summary>
internal sealed record DaemonOptions(string CacheFolder, string Device = "auto", LogLevel LogLevel = LogLevel.Info)
{
    public static string DefaultCacheFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "dime", "cache");
}

/// <summary>
/// The daemon's state, shared by the JSON-RPC handlers and the command line: the opened datasets, the loaded models,
/// the prepared reference sets and the result cache. One instance per process.
/// </summary>
internal sealed class Daemon : IDisposable
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ParentProcessWatcher? _parentWatcher;
    private int _running;

    public Daemon(DaemonOptions options, Log log)
    {
        Options = options;
        Log = log;
        Datasets = new DatasetRegistry();
        Models = new ModelRegistry(() => new DeviceOptions { Device = DeviceOptions.ParseKind(Options.Device) });
        References = new ReferenceCache(log);
        Results = new ResultStore(options.CacheFolder, Json.Options, log);
        Results.RemoveStaleStaging();
        Slots = new ComputeSlots(Environment.ProcessorCount);
        Explanations = new ExplanationService(Datasets, References, Results, log, Slots);
        ComputeSlots.KeepThreadPoolResponsive();
    }

    public DaemonOptions Options { get; private set; }

    public Log Log { get; }

    public DatasetRegistry Datasets { get; }

    public ModelRegistry Models { get; }

    public ReferenceCache References { get; }

    public ResultStore Results { get; private set; }

    public ExplanationService Explanations { get; private set; }

    /// <summary>At most one explanation computes per core; the others wait here, cancellable, with progress "queued".</summary>
    public ComputeSlots Slots { get; }

    /// <summary>The device of the models: what the last load chose, or what was asked for before any load.</summary>
    public DeviceInfoDto Device => Models.LastDevice is { } device ? DeviceInfoDto.Of(device) : DeviceInfoDto.NotYetLoaded(Options.Device);

    public int RunningRequests => Volatile.Read(ref _running);

    /// <summary>Completes with the exit code when the client asks the daemon to exit or its parent dies.</summary>
    public Task<int> Exited => _exit.Task;

    /// <summary>Counts a long request as running until the returned object is disposed (the status shows busy).</summary>
    public IDisposable Running() => new RunningScope(this);

    /// <summary>Applies what the client said in initialize.</summary>
    public void Configure(string? cacheFolder, string? device, int? parentProcessId)
    {
        if (!string.IsNullOrWhiteSpace(device))
        {
            Validate.OneOf(device, ["auto", "cuda", "cpu"], "device");
            Options = Options with { Device = device.ToLowerInvariant() };
        }

        if (!string.IsNullOrWhiteSpace(cacheFolder))
        {
            Options = Options with { CacheFolder = Inference.Files.SafeFiles.CheckFolderForWriting(cacheFolder, "cacheFolder") };
            Results = new ResultStore(Options.CacheFolder, Json.Options, Log);
            Results.RemoveStaleStaging();
            Explanations = new ExplanationService(Datasets, References, Results, Log, Slots);
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

    public void Dispose()
    {
        _parentWatcher?.Dispose();
        Models.Dispose();
    }

    private sealed class RunningScope : IDisposable
    {
        private Daemon? _daemon;

        public RunningScope(Daemon daemon)
        {
            _daemon = daemon;
            Interlocked.Increment(ref daemon._running);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _daemon, null) is { } daemon)
            {
                Interlocked.Decrement(ref daemon._running);
            }
        }
    }
}
