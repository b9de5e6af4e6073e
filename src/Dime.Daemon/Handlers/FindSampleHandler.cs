using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>dime/findSample: which sample a line of a dataset file holds (the extension's CodeLens and "explain at cursor").</summary>
internal sealed class FindSampleHandler(DatasetRegistry datasets)
{
    [JsonRpcMethod(ProtocolNames.FindSample, UseSingleObjectParameterDeserialization = true)]
    public async Task<FindSampleResult> FindSampleAsync(FindSampleParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        var (dataset, sample) = await Task.Run(
            () => SampleLocator.Find(datasets, parameters.Path, parameters.Line, parameters.Column, parameters.Id, parameters.Format, parameters.Fields, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return new FindSampleResult(DatasetInfo.Of(dataset), SampleInfo.Of(dataset, sample));
    }
}
