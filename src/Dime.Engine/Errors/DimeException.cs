namespace Dime.Engine.Errors;

/// <summary>
/// What went wrong, as a stable number. The daemon sends these as JSON-RPC error codes, so they sit outside
/// the ranges that JSON-RPC (-32768..-32000) and LSP (-32899..-32800) reserve. Never renumber one.
/// </summary>
public enum DimeErrorCode
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

/// <summary>An error a person can act on: a stable code, a plain message, and optionally what it concerns.</summary>
public sealed class DimeException : Exception
{
    public DimeException(DimeErrorCode code, string message, string? subject = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Subject = subject;
    }

    public DimeErrorCode Code { get; }

    /// <summary>The file, field or value the error is about, when there is one.</summary>
    public string? Subject { get; }
}
