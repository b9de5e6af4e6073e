using System.Collections.Concurrent;
using System.Globalization;
using Dime.Daemon.Hosting;
using Dime.Daemon.Workspace;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Explaining;

/// <summary>Which reference set: drawn from a dataset, with a size, a seed, and stratified by answer or not.</summary>
internal sealed record ReferenceKey(string ModelHash, string DatasetId, DateTime DatasetVersion, int Size, int Seed, bool Stratified)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{DatasetId}@{DatasetVersion.Ticks}/n{Size}/s{Seed}/{(Stratified ? "strat" : "plain")}");
}

/// <summary>A prepared reference set with the dataset samples it holds and one SHA-256 over their image files, in order.</summary>
internal sealed record ReferenceEntry(PreparedReference Prepared, IReadOnlyList<Sample> Samples, string ImagesHash);

/// <summary>
/// Reference sets and their evaluated N x N grids (mu, g1, g2), kept per model and set: the grid is the costly part
/// of DIME's disentanglement and does not change between explanations.
/// </summary>
internal sealed class ReferenceCache(Log log, int capacity = 8)
{
    private readonly ConcurrentDictionary<ReferenceKey, Lazy<Task<ReferenceEntry>>> _prepared = new();

    /// <summary>The prepared set, from the cache unless <paramref name="fresh"/> (reproduce prepares it again from the files).</summary>
    public async Task<ReferenceEntry> GetAsync(ModelEntry model, Dataset dataset, int size, int seed, bool stratified, bool fresh, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        var key = new ReferenceKey(model.Loaded.ContentHash, dataset.Id, dataset.LastWriteUtc, Math.Min(size, dataset.Samples.Count), seed, stratified);
        if (fresh)
        {
            return await PrepareAsync(model, dataset, key, progress, cancellationToken).ConfigureAwait(false);
        }

        if (_prepared.Count >= capacity && !_prepared.ContainsKey(key))
        {
            _prepared.Clear();
        }

        var lazy = _prepared.GetOrAdd(key, k => new Lazy<Task<ReferenceEntry>>(() => PrepareAsync(model, dataset, k, progress, cancellationToken)));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _prepared.TryRemove(new KeyValuePair<ReferenceKey, Lazy<Task<ReferenceEntry>>>(key, lazy));
            throw;
        }
    }

    public void Forget(string modelHash)
    {
        foreach (var key in _prepared.Keys.Where(k => k.ModelHash == modelHash))
        {
            _prepared.TryRemove(key, out _);
        }
    }

    private async Task<ReferenceEntry> PrepareAsync(ModelEntry model, Dataset dataset, ReferenceKey key, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        var answers = dataset.Samples.Select(s => s.Answer).ToList();
        var picked = ReferenceSampling.PickIndices(answers, key.Size, key.Seed, key.Stratified);
        var skipped = new List<string>();
        var (reference, kept) = DatasetSamples.Load(dataset, picked.Select(i => dataset.Samples[i]), minimum: 1, skipped, cancellationToken);
        foreach (var why in skipped)
        {
            log.Warning($"reference sample of {dataset.Path} left out: {why}");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var prepared = await PreparedReference.PrepareAsync(model.Loaded.Model, reference, progress, cancellationToken).ConfigureAwait(false);
        log.Info($"reference set {key} for {model.Loaded.Name}: {kept.Count} samples, {kept.Count * kept.Count} pairs in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        return new ReferenceEntry(prepared, kept, FileHash.Sha256(kept.Select(dataset.ImageFullPath)));
    }
}
