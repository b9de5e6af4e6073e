using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;
using Dime.Inference.Imaging;

namespace Dime.Daemon.Sharding;

/// <summary>What one explain-dataset run did: samples computed now, found done, failed, and the wall time.</summary>
internal sealed record ExplainDatasetSummary(SampleRange Samples, int Computed, int Skipped, int Failed, double ElapsedMs);

/// <summary>
/// explain-dataset: one DIME explanation per sample of a range (or of one shard of it), each stored as
/// results/&lt;index&gt;/result.json, and index.jsonl with a line per sample. A sample whose line and result already
/// exist with the same settings is skipped, so a run that was killed or requeued goes on where it stopped; a sample
/// that failed (its line has an error, e.g. an unreadable image) is tried again.
/// </summary>
internal sealed class DatasetExplainer(Daemon daemon)
{
    public const string ResultsFolder = "results";

    public static RunManifest Manifest(ModelEntry model, Dataset dataset, Dataset reference, ExplainOptionsDto options, SampleRange range, ShardSpec shard) => new(
        RunManifest.CurrentFormat,
        RunManifest.ExplainDatasetKind,
        new RunModel(model.Loaded.Name, model.Loaded.ContentHash),
        new RunDataset(dataset.Path, dataset.LastWriteUtc.Ticks, dataset.Samples.Count),
        Recorded(options),
        new RunReference(reference.Path, reference.LastWriteUtc.Ticks, Math.Min(options.ReferenceSizeOrDefault, reference.Samples.Count), options.ReferenceSeedOrDefault, options.StratifiedOrDefault),
        range,
        shard,
        shard.Of(range));

    /// <summary>
    /// The options as the run records them; partnersOrDefault is recorded too (it was a property of the wire record
    /// when the format was written), so a change of the default changes the run, and earlier shards still match.
    /// </summary>
    private static System.Text.Json.Nodes.JsonObject Recorded(ExplainOptionsDto options)
    {
        var recorded = JsonSerializer.SerializeToNode(options with { ReferenceDatasetId = null }, Json.Options)!.AsObject();
        recorded["partnersOrDefault"] = options.PartnersOrDefault;
        return recorded;
    }

    public static string ResultPath(int index) => string.Create(CultureInfo.InvariantCulture, $"{ResultsFolder}/{index:D6}/{Explaining.ResultStore.ResultFile}");

    public async Task<ExplainDatasetSummary> RunAsync(
        ModelEntry model, Dataset dataset, Dataset reference, ExplainOptionsDto options, SampleRange range, ShardSpec shard, string folder, bool artifacts,
        IProgress<Explaining.ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var manifest = Manifest(model, dataset, reference, options, range, shard);
        var key = manifest.Key;
        if (RunManifest.TryRead(folder) is { } previous && previous.Key != key)
        {
            daemon.Log.Info($"explain-dataset: {folder} was computed with other settings ({manifest.FirstDifference(previous)}); its samples are computed again");
        }

        manifest.Write(folder);
        var indexFile = Path.Combine(folder, IndexLine.FileName);
        var done = IndexLine.Read(indexFile)
            .Where(l => l.Key == key && l.Index >= manifest.Samples.Start && l.Index < manifest.Samples.End && l.Result is { } result && File.Exists(Path.Combine(folder, result)))
            .GroupBy(l => l.Index)
            .ToDictionary(g => g.Key, g => g.Last());

        var dto = options with { ReferenceDatasetId = reference.Id };
        int computed = 0, skipped = 0, failed = 0;
        await using (var index = new StreamWriter(new FileStream(indexFile, FileMode.Append, FileAccess.Write, FileShare.Read)))
        {
            for (var i = manifest.Samples.Start; i < manifest.Samples.End; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new Explaining.ProgressValue("samples", (double)(i - manifest.Samples.Start) / manifest.Samples.Count));
                if (done.ContainsKey(i))
                {
                    skipped++;
                    continue;
                }

                var sampleStarted = Stopwatch.GetTimestamp();
                var line = await ExplainOneAsync(model, dataset, dto, i, key, folder, artifacts, cancellationToken).ConfigureAwait(false);
                failed += line.Error is null ? 0 : 1;
                computed++;
                done[i] = line;
                await index.WriteLineAsync(line.ToJson().AsMemory(), cancellationToken).ConfigureAwait(false);
                await index.FlushAsync(cancellationToken).ConfigureAwait(false);
                daemon.Log.Info(string.Create(CultureInfo.InvariantCulture, $"explain-dataset: sample {i} stored ({Stopwatch.GetElapsedTime(sampleStarted).TotalMilliseconds:0} ms)"));
            }
        }

        // Once complete, the index holds exactly one line per sample of this part, in order: the same bytes however it was computed.
        AtomicFile.WriteAllLines(indexFile, done.Values.OrderBy(l => l.Index).Select(l => l.ToJson()));
        progress?.Report(new Explaining.ProgressValue(ExplainPhases.Done, 1));
        return new ExplainDatasetSummary(manifest.Samples, computed, skipped, failed, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<IndexLine> ExplainOneAsync(ModelEntry model, Dataset dataset, ExplainOptionsDto options, int index, string key, string folder, bool artifacts, CancellationToken cancellationToken)
    {
        var sample = dataset.Samples[index];
        try
        {
            var result = await daemon.Explanations.ExplainAsync(model, new SampleRef(dataset.Id, index), options, writeArtifacts: false, progress: null, cancellationToken).ConfigureAwait(false);
            result = result with { Cached = false, Artifacts = null };
            var relative = ResultPath(index);
            var sampleFolder = Path.GetDirectoryName(Path.Combine(folder, relative))!;
            Directory.CreateDirectory(sampleFolder);
            if (artifacts)
            {
                ArtifactWriter.Write(sampleFolder, result, ImageLoader.Load(dataset.ImageFullPath(sample)));
            }

            AtomicFile.WriteAllBytes(Path.Combine(folder, relative), JsonSerializer.SerializeToUtf8Bytes(result, Json.Options));
            return IndexLine.Of(result, key, relative);
        }
        catch (Exception e) when (ErrorCodes.Of(e) is { Code: not ErrorCode.InferenceFailed and not ErrorCode.DeviceUnavailable } error)
        {
            daemon.Log.Warning($"explain-dataset: sample {index} ({sample.Id}) failed: {error.Message}");
            return new IndexLine(index, sample.Id, key, sample.Question, sample.Answer, null, null, null, null, null, null, null, new IndexError(error.Code.ToString(), error.Message));
        }
    }
}
