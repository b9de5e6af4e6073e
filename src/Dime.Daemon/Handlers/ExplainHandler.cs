using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class ExplainHandler(Daemon daemon, JsonRpc rpc)
{
    [JsonRpcMethod(ProtocolNames.Explain, UseSingleObjectParameterDeserialization = true)]
    public async Task<ExplanationResult> ExplainAsync(ExplainParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotNull(parameters.Sample, "sample");
        var model = daemon.Models.Get(parameters.ModelId);
        using var running = daemon.Running();
        return await daemon.Explanations.ExplainAsync(model, parameters.Sample, parameters.Options, ProgressNotifier.For(rpc, parameters.ProgressToken), cancellationToken).ConfigureAwait(false);
    }
}
