
namespace Dime.Daemon.Protocol;

/// <summary>The lifecycle of one client connection: created, initialized, shut down.</summary>
internal sealed class Session
{
    private volatile int _state; // 0 created, 1 initialized, 2 shut down

    public bool IsInitialized => _state == 1;

    public bool IsShutDown => _state == 2;

    public void MarkInitialized() => _state = 1;

    public void MarkShutDown() => _state = 2;

    /// <summary>Why a request may not run now, or null when it may.</summary>
    public DaemonException? Refusal(string method) => (_state, method) switch
    {
        (_, ProtocolNames.Exit) => null,
        (0, ProtocolNames.Initialize) => null,
        (0, _) => new DaemonException(ErrorCode.NotInitialized, $"'{method}' was sent before 'initialize'."),
        (1, ProtocolNames.Initialize) => new DaemonException(ErrorCode.InvalidArgument, "'initialize' was already sent."),
        (2, _) => new DaemonException(ErrorCode.ShuttingDown, $"'{method}' was sent after 'shutdown'."),
        _ => null,
    };
}
