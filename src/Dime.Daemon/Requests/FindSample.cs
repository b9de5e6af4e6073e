using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

/// <summary>
/// A place in a dataset file: 1-based <see cref="Line"/> (and 1-based UTF-16 <see cref="Column"/> for CLEVR questions
/// that share a line), or a sample <see cref="Id"/>. <see cref="Format"/> and <see cref="Fields"/> as in dime/openDataset.
/// </summary>
internal sealed record FindSampleParams(string Path, int? Line = null, int? Column = null, string? Id = null, string? Format = null, DatasetFields? Fields = null);

/// <summary>The dataset (opened, or the open one reused) and the sample there, as the daemon reads it.</summary>
internal sealed record FindSampleResult(DatasetInfo Dataset, SampleInfo Sample);

/// <summary>dime/findSample: which sample a line of a dataset file holds (the extension's CodeLens and "explain at cursor").</summary>
internal sealed class FindSampleHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.FindSample, UseSingleObjectParameterDeserialization = true)]
    public async Task<FindSampleResult> FindSampleAsync(FindSampleParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        var (dataset, sample) = await Task.Run(
            () => SampleLocator.Find(daemon.Datasets, parameters.Path, parameters.Line, parameters.Column, parameters.Id, parameters.Format, parameters.Fields, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return new FindSampleResult(DatasetInfo.Of(dataset), SampleInfo.Of(dataset, sample));
    }
}
