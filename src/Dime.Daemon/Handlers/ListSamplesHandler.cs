using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class ListSamplesHandler(Daemon daemon)
{
    public const int MaxLimit = 10_000;

    [JsonRpcMethod(ProtocolNames.ListSamples, UseSingleObjectParameterDeserialization = true)]
    public ListSamplesResult ListSamples(ListSamplesParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.DatasetId, "datasetId");
        Validate.Range(parameters.Offset, 0, int.MaxValue, "offset");
        Validate.Range(parameters.Limit, 0, MaxLimit, "limit");
        var dataset = daemon.Datasets.Get(parameters.DatasetId);
        var page = dataset.Samples.Skip(parameters.Offset).Take(parameters.Limit).Select(s => SampleInfo.Of(dataset, s)).ToList();
        return new ListSamplesResult(dataset.Samples.Count, page);
    }
}
