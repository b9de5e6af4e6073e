using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class ExplainHandler(ModelRegistry models, ExplanationService explanations, RunningRequests running, JsonRpc rpc)
{
    [JsonRpcMethod(ProtocolNames.Explain, UseSingleObjectParameterDeserialization = true)]
    public async Task<ExplanationResult> ExplainAsync(ExplainParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotNull(parameters.Sample, "sample");
        var model = models.Get(parameters.ModelId);
        using var scope = running.Enter();
        return await explanations.ExplainAsync(model, parameters.Sample, parameters.Options, ProgressNotifier.For(rpc, parameters.ProgressToken), cancellationToken).ConfigureAwait(false);
    }
}
