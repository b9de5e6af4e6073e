using System.Globalization;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Workspace;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Inference.Files;

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
/// of DIME's disentanglement and does not change between explanations. The <paramref name="capacity"/> most recently
/// used sets are kept. A set is prepared once on a token of its own, however many requests wait for it: cancelling one
/// waiter ends only that wait, and the preparation stops only when no request waits for it any more.
/// </summary>
internal sealed class ReferenceCache(Log log, int capacity = 8)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ReferenceKey, Entry> _entries = [];
    private readonly LinkedList<ReferenceKey> _recent = new(); // most recently used first

    /// <summary>The sets kept now (prepared or being prepared).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The prepared set, from the cache unless <paramref name="fresh"/> (reproduce prepares it again from the files).</summary>
    public async Task<ReferenceEntry> GetAsync(ModelEntry model, Dataset dataset, int size, int seed, bool stratified, bool fresh, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = new ReferenceKey(model.Loaded.ContentHash, dataset.Id, dataset.LastWriteUtc, Math.Min(size, dataset.Samples.Count), seed, stratified);
        if (fresh)
        {
            return await PrepareAsync(model, dataset, key, progress, cancellationToken).ConfigureAwait(false);
        }

        Entry entry;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var found))
            {
                entry = found;
                _recent.Remove(entry.Node);
                _recent.AddFirst(entry.Node);
            }
            else
            {
                entry = new Entry(_recent.AddFirst(key));
                _entries[key] = entry;
                entry.Task = Task.Run(() => PrepareAsync(model, dataset, key, entry, entry.Stop.Token), CancellationToken.None);
                EvictOverCapacity();
            }

            entry.Waiters++;
            if (progress is not null)
            {
                lock (entry.Listeners)
                {
                    entry.Listeners.Add(progress);
                }
            }
        }

        try
        {
            return await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (entry.Task.IsFaulted || entry.Task.IsCanceled)
        {
            Drop(key, entry);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                entry.Waiters--;
                if (progress is not null)
                {
                    lock (entry.Listeners)
                    {
                        entry.Listeners.Remove(progress);
                    }
                }

                if (entry.Waiters == 0 && !entry.Task.IsCompleted)
                {
                    // nobody waits for it any more: stop preparing, and let the next request start afresh
                    entry.Stop.Cancel();
                    DropLocked(key, entry);
                }
            }
        }
    }

    public void Forget(string modelHash)
    {
        lock (_gate)
        {
            foreach (var (key, entry) in _entries.Where(e => e.Key.ModelHash == modelHash).ToList())
            {
                DropLocked(key, entry);
            }
        }
    }

    private void EvictOverCapacity()
    {
        for (var node = _recent.Last; node is not null && _entries.Count > capacity;)
        {
            var previous = node.Previous;
            var entry = _entries[node.Value];
            if (entry.Task.IsCompleted)
            {
                DropLocked(node.Value, entry);
            }

            node = previous;
        }
    }

    private void Drop(ReferenceKey key, Entry entry)
    {
        lock (_gate)
        {
            DropLocked(key, entry);
        }
    }

    private void DropLocked(ReferenceKey key, Entry entry)
    {
        if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
        {
            _entries.Remove(key);
            _recent.Remove(entry.Node);
        }
    }

    /// <summary>One set: its preparation, how many requests wait for it, and their progress reporters.</summary>
    private sealed class Entry(LinkedListNode<ReferenceKey> node) : IProgress<ExplainProgress>
    {
        public LinkedListNode<ReferenceKey> Node { get; } = node;

        public CancellationTokenSource Stop { get; } = new();

        public Task<ReferenceEntry> Task { get; set; } = null!;

        public int Waiters { get; set; }

        public List<IProgress<ExplainProgress>> Listeners { get; } = [];

        public void Report(ExplainProgress value)
        {
            IProgress<ExplainProgress>[] listeners;
            lock (Listeners)
            {
                listeners = [.. Listeners];
            }

            foreach (var listener in listeners)
            {
                listener.Report(value);
            }
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
        return new ReferenceEntry(prepared, kept, FileHash.Sha256(kept.Select(dataset.ImageFullPath), FileKind.Image));
    }
}
