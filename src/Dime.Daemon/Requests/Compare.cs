using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Engine.Errors;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record CompareParams(string[] ModelIds, SampleRef Sample, ExplainOptionsDto? Options, JsonElement? ProgressToken);

internal sealed record CompareResult(IReadOnlyList<ExplanationResult> Results);

/// <summary>The same sample, options and seed through two models, one after the other.</summary>
internal sealed class CompareHandler(Daemon daemon, JsonRpc rpc)
{
    [JsonRpcMethod(ProtocolNames.Compare, UseSingleObjectParameterDeserialization = true)]
    public async Task<CompareResult> CompareAsync(CompareParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotNull(parameters.Sample, "sample");
        if (parameters.ModelIds is not { Length: 2 })
        {
            throw new DimeException(DimeErrorCode.InvalidArgument, "'modelIds' must name exactly two models.", "modelIds");
        }

        var models = parameters.ModelIds.Select(daemon.Models.Get).ToList();
        using var running = daemon.Running();
        var progress = ProgressNotifier.For(rpc, parameters.ProgressToken);
        var results = new List<ExplanationResult>();
        for (var i = 0; i < models.Count; i++)
        {
            var part = progress is null ? null : new Progress(progress, i);
            results.Add(await daemon.Explanations.ExplainAsync(models[i], parameters.Sample, parameters.Options, part, cancellationToken).ConfigureAwait(false));
        }

        return new CompareResult(results);
    }

    private sealed class Progress(IProgress<ProgressValue> target, int model) : IProgress<ProgressValue>
    {
        public void Report(ProgressValue value) =>
            target.Report(value with { Fraction = (model + value.Fraction) / 2, Message = $"model {model + 1} of 2" });
    }
}
