namespace Dime.Daemon.Handlers;

/// <summary>The long requests running now: dime/status reports "busy" while any runs.</summary>
internal sealed class RunningRequests
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Counts a request as running until the returned object is disposed.</summary>
    public IDisposable Enter() => new Scope(this);

    private sealed class Scope : IDisposable
    {
        private RunningRequests? _owner;

        public Scope(RunningRequests owner)
        {
            _owner = owner;
            Interlocked.Increment(ref owner._count);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _owner, null) is { } owner)
            {
                Interlocked.Decrement(ref owner._count);
            }
        }
    }
}
