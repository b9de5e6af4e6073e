namespace Dime.Engine.Errors;

/// <summary>
/// What went wrong in the engine or the inference layer. Only the kinds these raise; the daemon gives each its
/// protocol's stable error code (Dime.Daemon, Protocol/ErrorCode.cs) and has its own codes for the rest.
/// </summary>
public enum ErrorKind
{
    InvalidArgument,
    PathInvalid,
    NotARegularFile,
    FileTooLarge,

    ModelNotFound,
    ManifestInvalid,
    NotAnOnnxModel,
    ManifestGraphMismatch,
    ModelNotLoaded,
    DeviceUnavailable,
    InferenceFailed,
    ModelOutputInvalid,

    DatasetNotFound,

    ImageNotFound,
    ImageCorrupt,
    ImageTooLarge,
    ImageUnsupported,

    TextInvalid,

    ResultNotFound,
}

/// <summary>An error a person can act on: its kind, a plain message, and optionally what it concerns.</summary>
public sealed class DimeException : Exception
{
    public DimeException(ErrorKind kind, string message, string? subject = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Subject = subject;
    }

    public ErrorKind Kind { get; }

    /// <summary>The file, field or value the error is about, when there is one.</summary>
    public string? Subject { get; }
}
