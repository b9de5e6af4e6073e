using System.Collections.Concurrent;
using System.Globalization;
using Dime.Daemon.Hosting;
using Dime.Daemon.Workspace;
using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Imaging;

namespace Dime.Daemon.Explaining;

/// <summary>Which reference set: drawn from a dataset, with a size, a seed, and stratified by answer or not.</summary>
internal sealed record ReferenceKey(string ModelHash, string DatasetId, DateTime DatasetVersion, int Size, int Seed, bool Stratified)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{DatasetId}@{DatasetVersion.Ticks}/n{Size}/s{Seed}/{(Stratified ? "strat" : "plain")}");
}

/// <summary>
/// Reference sets and their evaluated N x N grids (mu, g1, g2), kept per model and set: the grid is the costly part
/// of DIME's disentanglement and does not change between explanations.
/// </summary>
internal sealed class ReferenceCache(Log log, int capacity = 8)
{
    private readonly ConcurrentDictionary<ReferenceKey, Lazy<Task<PreparedReference>>> _prepared = new();

    public async Task<PreparedReference> GetAsync(ModelEntry model, Dataset dataset, int size, int seed, bool stratified, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        var key = new ReferenceKey(model.Loaded.ContentHash, dataset.Id, dataset.LastWriteUtc, Math.Min(size, dataset.Samples.Count), seed, stratified);
        if (_prepared.Count >= capacity && !_prepared.ContainsKey(key))
        {
            _prepared.Clear();
        }

        var lazy = _prepared.GetOrAdd(key, k => new Lazy<Task<PreparedReference>>(() => PrepareAsync(model, dataset, k, progress, cancellationToken)));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _prepared.TryRemove(new KeyValuePair<ReferenceKey, Lazy<Task<PreparedReference>>>(key, lazy));
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

    private async Task<PreparedReference> PrepareAsync(ModelEntry model, Dataset dataset, ReferenceKey key, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        var answers = dataset.Samples.Select(s => s.Answer).ToList();
        var picked = ReferenceSampling.PickIndices(answers, key.Size, key.Seed, key.Stratified);
        var images = new List<RgbImage>(picked.Length);
        var keys = new List<string?>(picked.Length);
        var texts = new List<string>(picked.Length);
        var kept = new List<string?>(picked.Length);
        foreach (var index in picked)
        {
            var sample = dataset.Samples[index];
            try
            {
                images.Add(ImageLoader.Load(dataset.ImageFullPath(sample)));
            }
            catch (DimeException e)
            {
                log.Warning($"reference sample {sample.Id} of {dataset.Path} left out: {e.Message}");
                continue;
            }

            keys.Add($"{dataset.Id}#{sample.Index}@{key.DatasetVersion.Ticks}");
            texts.Add(sample.Question);
            kept.Add(sample.Answer);
        }

        if (images.Count == 0)
        {
            throw new DimeException(DimeErrorCode.DatasetInvalid, $"No image of the reference dataset '{dataset.Path}' could be read.", dataset.Path);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reference = new ReferenceSet(new ImageList(images, keys), texts, kept);
        var prepared = await PreparedReference.PrepareAsync(model.Loaded.Model, reference, progress, cancellationToken).ConfigureAwait(false);
        log.Info($"reference set {key} for {model.Loaded.Name}: {images.Count} samples, {images.Count * images.Count} pairs in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        return prepared;
    }
}
