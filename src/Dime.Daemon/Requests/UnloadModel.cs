using Dime.Daemon.Protocol;
using Dime.Engine.Errors;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record UnloadModelParams(string ModelId);

/// <summary>An empty object: the model is gone.</summary>
internal sealed record UnloadModelResult;

internal sealed class UnloadModelHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.UnloadModel, UseSingleObjectParameterDeserialization = true)]
    public UnloadModelResult UnloadModel(UnloadModelParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        var hash = daemon.Models.Get(parameters.ModelId).Loaded.ContentHash;
        if (!daemon.Models.Unload(parameters.ModelId))
        {
            throw new DimeException(DimeErrorCode.ModelNotLoaded, $"No model with id '{parameters.ModelId}' is loaded.", parameters.ModelId);
        }

        daemon.References.Forget(hash);
        return new UnloadModelResult();
    }
}
