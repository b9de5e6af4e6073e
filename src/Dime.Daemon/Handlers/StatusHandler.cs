using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class StatusHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.Status, UseSingleObjectParameterDeserialization = true)]
    public StatusResult Status(object? parameters)
    {
        _ = parameters;
        var (entries, bytes) = daemon.Results.Size();
        var running = daemon.RunningRequests;
        return new StatusResult(
            running > 0 ? "busy" : "ready",
            running,
            Versions.Current,
            daemon.Device,
            [.. daemon.Models.All.Select(ModelInfo.Of)],
            [.. daemon.Datasets.All.Select(DatasetInfo.Of)],
            new CacheInfo(daemon.Options.CacheFolder, entries, bytes));
    }
}
