using Dime.Daemon.Protocol;
using Dime.Daemon.Sharding;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>dime/explainDataset: EMAP over a slice of an opened dataset (<see cref="DatasetOverview"/>).</summary>
internal sealed class ExplainDatasetHandler(ModelRegistry models, DatasetRegistry datasets, DatasetOverview overview, RunningRequests running, JsonRpc rpc)
{
    [JsonRpcMethod(ProtocolNames.ExplainDataset, UseSingleObjectParameterDeserialization = true)]
    public async Task<DatasetResult> ExplainDatasetAsync(ExplainDatasetParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotEmpty(parameters.DatasetId, "datasetId");
        Validate.Range(parameters.Count, 2, int.MaxValue, "count");
        var top = parameters.Options?.TopSamples ?? DatasetOverview.DefaultTopSamples;
        Validate.Range(top, 1, DatasetOverview.MaxTopSamples, "options.topSamples");
        var model = models.Get(parameters.ModelId);
        var dataset = datasets.Get(parameters.DatasetId);
        Validate.Range(parameters.Offset, 0, dataset.Samples.Count - 1, "offset");
        using var scope = running.Enter();
        var slice = new SampleRange(parameters.Offset, (int)Math.Min((long)parameters.Offset + parameters.Count, dataset.Samples.Count));
        return await overview.ExplainAsync(model, dataset, slice, top, ProgressNotifier.For(rpc, parameters.ProgressToken), cancellationToken).ConfigureAwait(false);
    }
}
