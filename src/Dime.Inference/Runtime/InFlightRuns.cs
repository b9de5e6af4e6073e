using Dime.Engine.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Dime.Inference.Runtime;

/// <summary>
/// The runs of one session in flight, so that closing it stops them (RunOptions.Terminate) and waits until the last
/// has left before the session is disposed. Shared by <see cref="GraphRunner"/> and <see cref="WiredGraph"/>.
/// </summary>
internal sealed class InFlightRuns(string field)
{
    private readonly object _gate = new();
    private readonly HashSet<RunOptions> _running = [];
    private int _active;
    private bool _closed;
    private long _started;

    /// <summary>The runs started on this session since it was made (warm-up included).</summary>
    public long Started => Interlocked.Read(ref _started);

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Refuses work on a closed session (its model unloaded) with the same typed error as a run would get.</summary>
    public void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw Unloaded();
        }
    }

    /// <summary>Counts a run in; refused once the session is closed (its model unloaded).</summary>
    public void Enter(RunOptions runOptions)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw Unloaded();
            }

            _active++;
            _started++;
            _running.Add(runOptions);
        }
    }

    public void Exit(RunOptions runOptions)
    {
        lock (_gate)
        {
            _active--;
            _running.Remove(runOptions);
            if (_active == 0)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> unless the session is closed, atomically with <see cref="Close"/>.</summary>
    public bool WhileOpen(Action action)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            action();
            return true;
        }
    }

    /// <summary>Closes: terminates the runs in flight and waits for them. False when it was closed already.</summary>
    public bool Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            foreach (var running in _running)
            {
                running.Terminate = true;
            }

            while (_active > 0)
            {
                Monitor.Wait(_gate);
            }

            return true;
        }
    }

    private DimeException Unloaded() => new(ErrorKind.ModelNotLoaded, "The model has been unloaded.", field);
}
