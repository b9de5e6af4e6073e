using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Inference;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class TokenizeHandler(ModelRegistry models)
{
    [JsonRpcMethod(ProtocolNames.Tokenize, UseSingleObjectParameterDeserialization = true)]
    public TokenizeResult Tokenize(TokenizeParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotNull(parameters.Text, "text");
        return TokenizeResult.Of(models.Get(parameters.ModelId).Loaded, parameters.Text);
    }
}
