namespace Dime.Daemon.Handlers;

/// <summary>What the lifecycle requests ask of the process (Hosting provides it): to exit, and to exit with its client.</summary>
internal interface IProcessLifetime
{
    void RequestExit(int code);

    /// <summary>Exits when the process <paramref name="processId"/> is gone (unless one is watched already).</summary>
    void WatchParent(int processId);
}
