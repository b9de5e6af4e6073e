using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class LoadModelHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.LoadModel, UseSingleObjectParameterDeserialization = true)]
    public async Task<ModelInfo> LoadModelAsync(LoadModelParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ManifestPath, "manifestPath");
        var entry = await Task.Run(() => daemon.Models.Load(parameters.ManifestPath), cancellationToken).ConfigureAwait(false);
        daemon.Log.Info($"model {entry.Id} loaded: {entry.Loaded.Name} on {entry.Loaded.Device}");
        return ModelInfo.Of(entry);
    }
}
