using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class UnloadModelHandler(ModelRegistry models, ReferenceCache references)
{
    [JsonRpcMethod(ProtocolNames.UnloadModel, UseSingleObjectParameterDeserialization = true)]
    public object UnloadModel(UnloadModelParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        var hash = models.Get(parameters.ModelId).Loaded.ContentHash;
        if (!models.Unload(parameters.ModelId))
        {
            throw new DaemonException(ErrorCode.ModelNotLoaded, $"No model with id '{parameters.ModelId}' is loaded.", parameters.ModelId);
        }

        references.Forget(hash);
        return new { };
    }
}
