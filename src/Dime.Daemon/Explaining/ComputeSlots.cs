using Dime.Daemon.Protocol;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Explaining;

/// <summary>
/// Bounds how many explanations compute at once (one per core by default). A request over the bound waits, reports
/// the phase "queued", and can be cancelled while it waits; the message loop and cheap requests (status, cancel)
/// never wait here.
/// </summary>
internal sealed class ComputeSlots(int count)
{
    private readonly SemaphoreSlim _slots = new(count, count);
    private int _queued;

    public int Count { get; } = count;

    /// <summary>Requests waiting for a slot now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Keeps threads free for the message loop and cheap requests while every core computes: without this the
    /// thread pool adds a thread only every half second once computation holds the ones it has.
    /// </summary>
    public static void KeepThreadPoolResponsive()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Math.Max(workers, (4 * Environment.ProcessorCount) + 16);
        if (wanted > workers)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
    }

    public async Task<IDisposable> EnterAsync(IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _queued);
            progress?.Report(new ProgressValue(ExplainPhases.Queued, 0, $"waiting: {Count} explanation(s) are computing, one per core"));
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
            }
        }

        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
