using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class UnloadModelHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.UnloadModel, UseSingleObjectParameterDeserialization = true)]
    public object UnloadModel(UnloadModelParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        var hash = daemon.Models.Get(parameters.ModelId).Loaded.ContentHash;
        if (!daemon.Models.Unload(parameters.ModelId))
        {
            throw new DaemonException(ErrorCode.ModelNotLoaded, $"No model with id '{parameters.ModelId}' is loaded.", parameters.ModelId);
        }

        daemon.References.Forget(hash);
        return new { };
    }
}
