using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

internal sealed class OpenDatasetHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.OpenDataset, UseSingleObjectParameterDeserialization = true)]
    public async Task<DatasetInfo> OpenDatasetAsync(OpenDatasetParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.Path, "path");
        var dataset = await Task.Run(() => daemon.Datasets.Open(parameters.Path, parameters.Format, parameters.Fields, cancellationToken), cancellationToken).ConfigureAwait(false);
        return DatasetInfo.Of(dataset);
    }
}
