using Dime.Engine.Errors;

namespace Dime.Daemon.Protocol;

/// <summary>
/// The protocol's error codes, as stable numbers: a reply's error.code and error.data.name. They sit outside the
/// ranges that JSON-RPC (-32768..-32000) and LSP (-32899..-32800) reserve. Never renumber one.
/// </summary>
internal enum ErrorCode
{
    InvalidArgument = 1000,
    NotInitialized = 1001,
    ShuttingDown = 1002,
    PathInvalid = 1003,
    NotARegularFile = 1004,
    FileTooLarge = 1005,

    ModelNotFound = 1100,
    ManifestInvalid = 1101,
    NotAnOnnxModel = 1102,
    ManifestGraphMismatch = 1103,
    ModelNotLoaded = 1104,
    DeviceUnavailable = 1105,
    InferenceFailed = 1106,
    ModelOutputInvalid = 1107,

    DatasetNotFound = 1200,
    DatasetInvalid = 1201,
    SampleNotFound = 1202,
    PathOutsideDataset = 1203,

    ImageNotFound = 1300,
    ImageCorrupt = 1301,
    ImageTooLarge = 1302,
    ImageUnsupported = 1303,

    TextInvalid = 1400,

    ResultNotFound = 1500,
    ExportFailed = 1501,

    ProvenanceMissing = 1600,
    DatasetChanged = 1601,
    ImageChanged = 1602,
    ModelChanged = 1603,
    ReferenceChanged = 1604,

    GpuPackageUnavailable = 1700,
    GpuPackageInvalid = 1701,
}

/// <summary>A typed error as the protocol reports it: its code, a plain message, and what it concerns.</summary>
internal sealed record TypedError(ErrorCode Code, string Message, string? Subject);

internal static class ErrorCodes
{
    /// <summary>The code of an engine error's kind.</summary>
    public static ErrorCode Of(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCode.InvalidArgument,
        ErrorKind.PathInvalid => ErrorCode.PathInvalid,
        ErrorKind.NotARegularFile => ErrorCode.NotARegularFile,
        ErrorKind.FileTooLarge => ErrorCode.FileTooLarge,
        ErrorKind.ModelNotFound => ErrorCode.ModelNotFound,
        ErrorKind.ManifestInvalid => ErrorCode.ManifestInvalid,
        ErrorKind.NotAnOnnxModel => ErrorCode.NotAnOnnxModel,
        ErrorKind.ManifestGraphMismatch => ErrorCode.ManifestGraphMismatch,
        ErrorKind.ModelNotLoaded => ErrorCode.ModelNotLoaded,
        ErrorKind.DeviceUnavailable => ErrorCode.DeviceUnavailable,
        ErrorKind.InferenceFailed => ErrorCode.InferenceFailed,
        ErrorKind.ModelOutputInvalid => ErrorCode.ModelOutputInvalid,
        ErrorKind.DatasetNotFound => ErrorCode.DatasetNotFound,
        ErrorKind.ImageNotFound => ErrorCode.ImageNotFound,
        ErrorKind.ImageCorrupt => ErrorCode.ImageCorrupt,
        ErrorKind.ImageTooLarge => ErrorCode.ImageTooLarge,
        ErrorKind.ImageUnsupported => ErrorCode.ImageUnsupported,
        ErrorKind.TextInvalid => ErrorCode.TextInvalid,
        ErrorKind.ResultNotFound => ErrorCode.ResultNotFound,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An engine error kind without a protocol code."),
    };

    /// <summary>The daemon's own errors and the engine's, as the protocol reports them; null for any other exception (a bug).</summary>
    public static TypedError? Of(Exception exception) => exception switch
    {
        DaemonException daemon => new TypedError(daemon.Code, daemon.Message, daemon.Subject),
        DimeException engine => new TypedError(Of(engine.Kind), engine.Message, engine.Subject),
        _ => null,
    };
}
