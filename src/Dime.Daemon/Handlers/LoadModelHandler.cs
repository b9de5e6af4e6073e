using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class LoadModelHandler(ModelRegistry models, Log log)
{
    [JsonRpcMethod(ProtocolNames.LoadModel, UseSingleObjectParameterDeserialization = true)]
    public async Task<ModelInfo> LoadModelAsync(LoadModelParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ManifestPath, "manifestPath");
        var entry = await Task.Run(() => models.Load(parameters.ManifestPath), cancellationToken).ConfigureAwait(false);
        log.Info($"model {entry.Id} loaded: {entry.Loaded.Name} on {entry.Loaded.Device}");
        return ModelInfo.Of(entry);
    }
}
