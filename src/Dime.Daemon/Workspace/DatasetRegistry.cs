using System.Collections.Concurrent;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Workspace;

/// <summary>The datasets opened in this session, by id. Reopening a file that changed on disk reads it again.</summary>
internal sealed class DatasetRegistry
{
    private readonly ConcurrentDictionary<string, Dataset> _datasets = new(StringComparer.Ordinal);

    /// <summary>
    /// The dataset at <paramref name="path"/>: the one already open when the file did not change and the format and
    /// fields asked for are those it was read with (null fields: as it was opened), else the file read again.
    /// </summary>
    public Dataset Open(string path, string? format = null, DatasetFields? fields = null, CancellationToken cancellationToken = default)
    {
        Protocol.Validate.OneOf(format, Protocol.DatasetInfo.Formats, "format");
        var full = Dime.Inference.Files.SafeFiles.CheckPath(path, "dataset");
        var id = DatasetReader.IdOf(full);
        _datasets.TryGetValue(id, out var open);
        if (open is not null
            && File.Exists(full)
            && File.GetLastWriteTimeUtc(full) == open.LastWriteUtc
            && (fields is null || fields == (open.Fields ?? new DatasetFields()))
            && (format is null || string.Equals(format, open.Format, StringComparison.OrdinalIgnoreCase)))
        {
            return open;
        }

        var dataset = DatasetReader.Read(full, format ?? open?.Format, fields ?? open?.Fields, cancellationToken);
        _datasets[id] = dataset;
        return dataset;
    }

    public Dataset Get(string datasetId) =>
        _datasets.TryGetValue(datasetId, out var dataset)
            ? dataset
            : throw new DaemonException(ErrorCode.DatasetNotFound, $"No dataset with id '{datasetId}' is open; call dime/openDataset first.", datasetId);

    public IReadOnlyList<Dataset> All => [.. _datasets.Values];

    public static Sample SampleAt(Dataset dataset, int index) =>
        index >= 0 && index < dataset.Samples.Count
            ? dataset.Samples[index]
            : throw new DaemonException(ErrorCode.SampleNotFound, $"Sample {index} does not exist; the dataset has {dataset.Samples.Count} samples (0 to {dataset.Samples.Count - 1}).", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
