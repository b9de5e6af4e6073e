namespace Dime.Daemon.Protocol;

/// <summary>
/// The sample a request is about, in one of three forms (docs/protocol.md, "Sample references"):
/// a sample of an opened dataset (<see cref="DatasetId"/> + 0-based <see cref="Index"/>);
/// a place in a dataset file (<see cref="Path"/> + 1-based <see cref="Line"/>, optional 1-based <see cref="Column"/>,
/// or <see cref="Path"/> + <see cref="Id"/>), the daemon opening the file as needed;
/// or an image file with a typed question (<see cref="ImagePath"/> + <see cref="Question"/>).
/// </summary>
internal sealed record SampleRef(
    string? DatasetId = null,
    int? Index = null,
    string? ImagePath = null,
    string? Question = null,
    string? Answer = null,
    string? Path = null,
    int? Line = null,
    int? Column = null,
    string? Id = null);
