using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class StatusHandler(DaemonSettings settings, ResultStore results, ModelRegistry models, DatasetRegistry datasets, RunningRequests running)
{
    [JsonRpcMethod(ProtocolNames.Status, UseSingleObjectParameterDeserialization = true)]
    public StatusResult Status(object? parameters)
    {
        _ = parameters;
        var (entries, bytes) = results.Size();
        var count = running.Count;
        return new StatusResult(
            count > 0 ? "busy" : "ready",
            count,
            Versions.Current,
            DeviceInfoDto.OfModels(models, settings),
            [.. models.All.Select(ModelInfo.Of)],
            [.. datasets.All.Select(DatasetInfo.Of)],
            new CacheInfo(settings.CacheFolder, entries, bytes));
    }
}
