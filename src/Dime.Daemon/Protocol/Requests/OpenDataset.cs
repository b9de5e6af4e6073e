using Dime.Daemon.Workspace;

namespace Dime.Daemon.Protocol;

internal sealed record OpenDatasetParams(string Path, string? Format, DatasetFields? Fields);

internal sealed record DatasetInfo(string DatasetId, string Path, string Format, int Count, string Folder, IReadOnlyList<string> Warnings)
{
    public static DatasetInfo Of(Dataset dataset) =>
        new(dataset.Id, dataset.Path, dataset.Format, dataset.Samples.Count, dataset.Root, [.. dataset.Warnings.Take(20)]);
}
