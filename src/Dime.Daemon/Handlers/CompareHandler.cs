using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

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
            throw new DaemonException(ErrorCode.InvalidArgument, "'modelIds' must name exactly two models.", "modelIds");
        }

        var models = parameters.ModelIds.Select(daemon.Models.Get).ToList();
        using var running = daemon.Running();
        var progress = ProgressNotifier.For(rpc, parameters.ProgressToken);
        var options = await SharedLabelsAsync(models, parameters.Sample, parameters.Options ?? new ExplainOptionsDto(), cancellationToken).ConfigureAwait(false);
        var results = new List<ExplanationResult>();
        for (var i = 0; i < models.Count; i++)
        {
            var part = progress is null ? null : new Progress(progress, i);
            results.Add(await daemon.Explanations.ExplainAsync(models[i], parameters.Sample, options[i], part, cancellationToken).ConfigureAwait(false));
        }

        return new CompareResult(results);
    }

    /// <summary>
    /// With the default labels ("top"), each model would explain its own prediction and neighbours; the panel compares
    /// labels both explain, so both explain the union of the two sets (the labels each model has).
    /// </summary>
    private async Task<ExplainOptionsDto[]> SharedLabelsAsync(IReadOnlyList<Workspace.ModelEntry> models, SampleRef sample, ExplainOptionsDto options, CancellationToken cancellationToken)
    {
        var labels = options.Labels;
        var wantsTop = labels is not { } given || given.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || (given.ValueKind == JsonValueKind.String && given.GetString() == "top");
        if (!wantsTop)
        {
            return [options, options];
        }

        var names = new List<string>();
        foreach (var model in models)
        {
            var (resolved, prediction, _) = await daemon.Explanations.PredictAsync(model, sample, ResultMapper.TopAnswers, cancellationToken).ConfigureAwait(false);
            names.AddRange(ExplanationService.TopLabels(prediction, model.Loaded.Labels, resolved.Info.Answer).Select(i => model.Loaded.Labels[i]));
        }

        return [.. models.Select(m => options with { Labels = JsonSerializer.SerializeToElement(names.Distinct(StringComparer.Ordinal).Where(m.Loaded.Labels.Contains).Select(n => LabelSelection.NamePrefix + n).ToArray()) })];
    }

    private sealed class Progress(IProgress<ProgressValue> target, int model) : IProgress<ProgressValue>
    {
        public void Report(ProgressValue value) =>
            target.Report(value with { Fraction = (model + value.Fraction) / 2, Message = $"model {model + 1} of 2" });
    }
}
