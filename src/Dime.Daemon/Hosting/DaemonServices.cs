using Dime.Daemon.Explaining;
using Dime.Daemon.Handlers;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Daemon.Sharding;
using Dime.Daemon.Workspace;

namespace Dime.Daemon.Hosting;

/// <summary>Where the daemon keeps derived files, which device it asks for, and how much it logs.</summary>
internal sealed record DaemonOptions(string CacheFolder, string Device = "auto", LogLevel LogLevel = LogLevel.Info)
{
    public static string DefaultCacheFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "dime", "cache");
}

/// <summary>
/// The composition root: the daemon's services, built once per process, each given only the services it uses.
/// The JSON-RPC server (<see cref="DaemonServer"/>) and the command line take what they need from here; nothing
/// below Hosting sees this class (src/Dime.Daemon/README.md, "Layers").
/// </summary>
internal sealed class DaemonServices : IDisposable
{
    public DaemonServices(DaemonOptions options, Log log)
    {
        Log = log;
        Lifetime = new DaemonLifetime(log);
        Settings = new DaemonSettings(options.CacheFolder, options.Device);
        Datasets = new DatasetRegistry();
        Models = new ModelRegistry(() => Settings.DeviceOptions);
        References = new ReferenceCache(log);
        Results = new ResultStore(options.CacheFolder, Json.Options, log);
        Results.RemoveStaleStaging();
        Slots = new ComputeSlots(Environment.ProcessorCount);
        Explanations = new ExplanationService(Datasets, References, Results, log, Slots);
        Reproducer = new Reproducer(Models, Datasets, Explanations, log);
        DatasetExplainer = new DatasetExplainer(Explanations, log);
        DatasetOverview = new DatasetOverview(Settings);
        ComputeSlots.KeepThreadPoolResponsive();
    }

    public Log Log { get; }

    public DaemonSettings Settings { get; }

    public DatasetRegistry Datasets { get; }

    public ModelRegistry Models { get; }

    public ReferenceCache References { get; }

    public ResultStore Results { get; }

    /// <summary>At most one explanation computes per core; the others wait here, cancellable, with progress "queued".</summary>
    public ComputeSlots Slots { get; }

    public ExplanationService Explanations { get; }

    public Reproducer Reproducer { get; }

    public DatasetExplainer DatasetExplainer { get; }

    public DatasetOverview DatasetOverview { get; }

    public RunningRequests Running { get; } = new();

    public DaemonLifetime Lifetime { get; }

    /// <summary>One handler per request, each given what it uses; <paramref name="rpc"/> sends progress notifications.</summary>
    public IEnumerable<object> Handlers(Session session, StreamJsonRpc.JsonRpc rpc)
    {
        yield return new LifecycleHandler(session, Settings, Results, Models, Lifetime, Log);
        yield return new StatusHandler(Settings, Results, Models, Datasets, Running);
        yield return new LoadModelHandler(Models, Log);
        yield return new UnloadModelHandler(Models, References);
        yield return new OpenDatasetHandler(Datasets);
        yield return new ListSamplesHandler(Datasets);
        yield return new FindSampleHandler(Datasets);
        yield return new PredictHandler(Models, Explanations, Running);
        yield return new TokenizeHandler(Models);
        yield return new ExplainHandler(Models, Explanations, Running, rpc);
        yield return new ExplainDatasetHandler(Models, Datasets, DatasetOverview, Running, rpc);
        yield return new CompareHandler(Models, Explanations, Running, rpc);
        yield return new ExportHandler(Results);
        yield return new ReproduceHandler(Results, Reproducer, Running, rpc);
    }

    public void Dispose()
    {
        Lifetime.Dispose();
        Models.Dispose();
    }
}
