using Dime.Daemon.Protocol;
using Dime.Inference;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class TokenizeHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.Tokenize, UseSingleObjectParameterDeserialization = true)]
    public TokenizeResult Tokenize(TokenizeParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotNull(parameters.Text, "text");
        return TokenizeResult.Of(daemon.Models.Get(parameters.ModelId).Loaded, parameters.Text);
    }
}
