using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record OpenDatasetParams(string Path, [property: WireEnum(typeof(DatasetReader), nameof(DatasetReader.Formats))] string? Format, DatasetFields? Fields);

internal sealed record DatasetInfo(string DatasetId, string Path, [property: WireEnum(typeof(DatasetReader), nameof(DatasetReader.Formats))] string Format, int Count, string Folder, IReadOnlyList<string> Warnings)
{
    public static DatasetInfo Of(Dataset dataset) =>
        new(dataset.Id, dataset.Path, dataset.Format, dataset.Samples.Count, dataset.Root, [.. dataset.Warnings.Take(20)]);
}

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
