using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Sharding;

/// <summary>
/// EMAP over a slice of a dataset: the slice's n x n grid, the accuracy of the model against that of its additive
/// projection (the gap is what interactions buy), the share of |UC| and |MI| per label, and the samples most driven
/// by interactions, each one click from its own explanation. The grid is streamed through files (EmapPartial), so
/// the slice may be the whole dataset; every sample's line is in its samples.jsonl. dime/explainDataset and the
/// `dataset` command both run it.
/// </summary>
internal sealed class DatasetOverview(DaemonSettings settings)
{
    public const int DefaultTopSamples = 20;
    public const int MaxTopSamples = 10_000;

    /// <summary>The whole slice, computed in the cache folder (a folder per model, dataset and slice).</summary>
    public async Task<DatasetResult> ExplainAsync(ModelEntry model, Dataset dataset, SampleRange slice, int top, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.CacheFolder, "datasets", EmapPartial.Manifest(model, dataset, slice, ShardSpec.Whole).Key);
        return await RunAsync(model, dataset, slice, ShardSpec.Whole, folder, top, progress, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A whole run always finishes its overview.");
    }

    /// <summary>
    /// Computes the slice's shard into <paramref name="folder"/>; for the whole slice (shard 0/1) it also writes the
    /// overview there (dataset.json, dataset.html, samples.jsonl) and returns it, for a shard it returns null.
    /// </summary>
    public static async Task<DatasetResult?> RunAsync(ModelEntry model, Dataset dataset, SampleRange slice, ShardSpec shard, string folder, int top, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        if (slice.Count < 2)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"The slice {slice} holds {slice.Count} sample(s); EMAP needs at least 2.", "count");
        }

        var manifest = await EmapPartial.ComputeAsync(model, dataset, slice, shard, folder, progress, cancellationToken).ConfigureAwait(false);
        if (shard != ShardSpec.Whole)
        {
            return null;
        }

        var result = EmapMerge.Finish([(folder, manifest)], folder, top, i => dataset.Samples[i]);
        PartialMerge.WriteOverview(folder, result);
        progress?.Report(new ProgressValue(ExplainPhases.Done, 1));
        return result;
    }
}
