using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Daemon.Sharding;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>
/// EMAP over a slice of a dataset: the slice's n x n grid, the accuracy of the model against that of its additive
/// projection (the gap is what interactions buy), the share of |UC| and |MI| per label, and the samples most driven
/// by interactions, each one click from its own explanation. The grid is streamed through files in the cache folder
/// (Sharding/EmapPartial), so the slice may be the whole dataset; every sample's line is in its samples.jsonl.
/// </summary>
internal sealed class ExplainDatasetHandler(Daemon daemon, JsonRpc rpc)
{
    [JsonRpcMethod(ProtocolNames.ExplainDataset, UseSingleObjectParameterDeserialization = true)]
    public async Task<DatasetResult> ExplainDatasetAsync(ExplainDatasetParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ModelId, "modelId");
        Validate.NotEmpty(parameters.DatasetId, "datasetId");
        Validate.Range(parameters.Count, 2, int.MaxValue, "count");
        var top = parameters.Options?.TopSamples ?? 20;
        Validate.Range(top, 1, 10_000, "options.topSamples");
        var model = daemon.Models.Get(parameters.ModelId);
        var dataset = daemon.Datasets.Get(parameters.DatasetId);
        Validate.Range(parameters.Offset, 0, dataset.Samples.Count - 1, "offset");
        using var running = daemon.Running();
        var progress = ProgressNotifier.For(rpc, parameters.ProgressToken);
        var slice = new SampleRange(parameters.Offset, (int)Math.Min((long)parameters.Offset + parameters.Count, dataset.Samples.Count));
        var folder = Path.Combine(daemon.Options.CacheFolder, "datasets", EmapPartial.Manifest(model, dataset, slice, ShardSpec.Whole).Key);
        return await RunAsync(model, dataset, slice, ShardSpec.Whole, folder, top, progress, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A whole run always finishes its overview.");
    }

    /// <summary>
    /// Computes the slice's shard into <paramref name="folder"/>; for the whole slice (shard 0/1) it also writes the
    /// overview there (dataset.json, dataset.html, samples.jsonl) and returns it, for a shard it returns null.
    /// </summary>
    public static async Task<DatasetResult?> RunAsync(ModelEntry model, Dataset dataset, SampleRange slice, ShardSpec shard, string folder, int top, IProgress<Explaining.ProgressValue>? progress, CancellationToken cancellationToken)
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
        progress?.Report(new Explaining.ProgressValue(ExplainPhases.Done, 1));
        return result;
    }
}
