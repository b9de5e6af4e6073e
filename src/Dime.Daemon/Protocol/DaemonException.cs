namespace Dime.Daemon.Protocol;

/// <summary>
/// An error the daemon raises, a person can act on: a protocol code, a plain message, and optionally what it concerns.
/// Errors from the engine and the inference layer arrive as Dime.Engine.Errors.DimeException and are mapped by
/// <see cref="ErrorCodes"/>.
/// </summary>
internal sealed class DaemonException(ErrorCode code, string message, string? subject = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ErrorCode Code { get; } = code;

    /// <summary>The file, field or value the error is about, when there is one.</summary>
    public string? Subject { get; } = subject;
}
