using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class PredictHandler(ModelRegistry models, ExplanationService explanations, RunningRequests running)
{
    [JsonRpcMethod(ProtocolNames.Predict, UseSingleObjectParameterDeserialization = true)]
    public async Task<PredictResult> PredictAsync(PredictParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.Range(parameters.Top, 1, 1000, "top");
        var model = models.Get(parameters.ModelId);
        using var scope = running.Enter();
        var (sample, prediction, logits) = await explanations.PredictAsync(model, parameters.Sample, parameters.Top, cancellationToken).ConfigureAwait(false);
        return new PredictResult(sample.Info, prediction.Top, logits);
    }
}
