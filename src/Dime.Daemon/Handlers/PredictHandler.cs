using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class PredictHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.Predict, UseSingleObjectParameterDeserialization = true)]
    public async Task<PredictResult> PredictAsync(PredictParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.Range(parameters.Top, 1, 1000, "top");
        var model = daemon.Models.Get(parameters.ModelId);
        using var running = daemon.Running();
        var (sample, prediction, logits) = await daemon.Explanations.PredictAsync(model, parameters.Sample, parameters.Top, cancellationToken).ConfigureAwait(false);
        return new PredictResult(sample.Info, prediction.Top, logits);
    }
}
