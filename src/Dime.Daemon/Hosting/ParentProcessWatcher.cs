using System.Diagnostics;

namespace Dime.Daemon.Hosting;

/// <summary>Ends the daemon when the process that started it is gone, so no daemon outlives its editor.</summary>
internal sealed class ParentProcessWatcher : IDisposable
{
    private readonly Timer _timer;

    public ParentProcessWatcher(int parentPid, Action onParentExited, TimeSpan? interval = null)
    {
        var period = interval ?? TimeSpan.FromSeconds(2);
        _timer = new Timer(_ =>
        {
            if (!IsAlive(parentPid))
            {
                onParentExited();
            }
        }, null, period, period);
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose() => _timer.Dispose();
}
