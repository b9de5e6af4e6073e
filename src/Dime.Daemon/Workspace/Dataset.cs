using Dime.Daemon.Protocol;

namespace Dime.Daemon.Workspace;

/// <summary>
/// A place in a dataset file as an editor shows it: 1-based line, 1-based column counted in UTF-16 code units
/// (VS Code's and LSP's unit), a UTF-8 byte order mark not counted.
/// </summary>
internal readonly record struct TextPosition(int Line, int Column) : IComparable<TextPosition>
{
    public int CompareTo(TextPosition other) => Line != other.Line ? Line.CompareTo(other.Line) : Column.CompareTo(other.Column);

    public static bool operator <(TextPosition a, TextPosition b) => a.CompareTo(b) < 0;

    public static bool operator >(TextPosition a, TextPosition b) => a.CompareTo(b) > 0;

    public static bool operator <=(TextPosition a, TextPosition b) => a.CompareTo(b) <= 0;

    public static bool operator >=(TextPosition a, TextPosition b) => a.CompareTo(b) >= 0;
}

/// <summary>Where a sample's text lies in its file: <see cref="Start"/> inclusive, <see cref="End"/> exclusive.</summary>
internal readonly record struct TextSpan(TextPosition Start, TextPosition End)
{
    public bool Contains(TextPosition position) => Start <= position && position < End;
}

/// <summary>
/// One sample of a dataset: an image path relative to the dataset's root, a question, maybe an answer.
/// <see cref="Line"/> is the 1-based line it starts on; <see cref="Span"/> (CLEVR questions, which may share a line
/// or cover several) is the element of the questions array.
/// </summary>
internal sealed record Sample(int Index, string Id, string ImagePath, string Question, string? Answer, int? Line, TextSpan? Span = null);

/// <summary>An opened dataset file. Image paths resolve inside <see cref="Root"/> and may not leave it.</summary>
internal sealed class Dataset(string id, string path, string format, string root, IReadOnlyList<Sample> samples, IReadOnlyList<string> warnings)
{
    public string Id { get; } = id;

    public string Path { get; } = path;

    public string Format { get; } = format;

    public string Root { get; } = root;

    public IReadOnlyList<Sample> Samples { get; } = samples;

    /// <summary>Lines that could not be read, each with its line number.</summary>
    public IReadOnlyList<string> Warnings { get; } = warnings;

    public DateTime LastWriteUtc { get; init; }

    /// <summary>SHA-256 of the file as it was read (results record it; reproduce checks it).</summary>
    public string ContentHash { get; init; } = string.Empty;

    /// <summary>The field names the file was read with (null: the defaults and their fallbacks).</summary>
    public DatasetFields? Fields { get; init; }

    /// <summary>How many lines the file has.</summary>
    public int LineCount { get; init; }

    public Sample this[int index] => Samples[index];

    /// <summary>The full path of a sample's image, checked to stay inside the dataset's root.</summary>
    public string ImageFullPath(Sample sample) => SafePaths.Resolve(Root, sample.ImagePath);
}
