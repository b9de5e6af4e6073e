using Dime.Daemon.Handlers;
using Dime.Daemon.Logging;

namespace Dime.Daemon.Hosting;

/// <summary>When the process ends: the client says exit, or the process that started the daemon is gone.</summary>
internal sealed class DaemonLifetime(Log log) : IProcessLifetime, IDisposable
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ParentProcessWatcher? _parentWatcher;

    /// <summary>Completes with the exit code when the client asks the daemon to exit or its parent dies.</summary>
    public Task<int> Exited => _exit.Task;

    public void RequestExit(int code) => _exit.TrySetResult(code);

    /// <summary>The first process named is watched (serve --parent-pid before initialize's processId).</summary>
    public void WatchParent(int processId)
    {
        lock (_gate)
        {
            _parentWatcher ??= new ParentProcessWatcher(processId, () =>
            {
                log.Info($"parent process {processId} is gone; exiting");
                RequestExit(0);
            });
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _parentWatcher?.Dispose();
        }
    }
}
