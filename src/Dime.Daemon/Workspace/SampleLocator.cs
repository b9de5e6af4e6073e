using System.Globalization;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Workspace;

/// <summary>
/// Names a sample of a dataset by where it is in the file (an editor's line and column) or by its id, the way
/// the daemon read the file: this is the one place that decides which sample a line holds.
/// </summary>
internal static class SampleLocator
{
    /// <summary>
    /// A <c>{path, line[, column]}</c> or <c>{path, id}</c> reference: the dataset file opened (or the open one reused,
    /// <see cref="DatasetRegistry.Open"/>) and the sample found in it.
    /// </summary>
    public static (Dataset Dataset, Sample Sample) Find(DatasetRegistry datasets, string? path, int? line, int? column, string? id, string? format = null, DatasetFields? fields = null, CancellationToken cancellationToken = default)
    {
        Protocol.Validate.NotEmpty(path, "path");
        if (line is null == id is null)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, "A dataset file's sample is named by 'line' (1-based) or by 'id': give one of them.", "line");
        }

        if (column is not null && line is null)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, "'column' goes with 'line'.", "column");
        }

        var dataset = datasets.Open(path!, format, fields, cancellationToken);
        return (dataset, line is { } l ? AtLine(dataset, l, column) : WithId(dataset, id!));
    }

    /// <summary>
    /// The sample at a 1-based <paramref name="line"/> (and, for CLEVR questions sharing a line, a 1-based UTF-16
    /// <paramref name="column"/>). JSONL: the sample read from that line. CLEVR: the question whose element holds
    /// the position, else one starting or ending on the same line; without a column, the first question on the line.
    /// </summary>
    public static Sample AtLine(Dataset dataset, int line, int? column = null)
    {
        if (line < 1)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'line' is 1-based; {line} is not a line.", "line");
        }

        if (column is < 1)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'column' is 1-based; {column} is not a column.", "column");
        }

        var found = dataset.Format == "clevr" ? InClevr(dataset, line, column) : InJsonl(dataset, line);
        return found ?? throw NotASample(dataset, line, column);
    }

    /// <summary>The sample with this id (the first one, if the file repeats it).</summary>
    public static Sample WithId(Dataset dataset, string id) =>
        dataset.Samples.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal))
        ?? throw new DaemonException(ErrorCode.SampleNotFound, $"{Name(dataset)} has no sample with id '{id}'.", id);

    private static Sample? InJsonl(Dataset dataset, int line)
    {
        int low = 0, high = dataset.Samples.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var at = dataset.Samples[middle].Line ?? 0;
            if (at == line)
            {
                return dataset.Samples[middle];
            }

            if (at < line)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    private static Sample? InClevr(Dataset dataset, int line, int? column)
    {
        var onLine = dataset.Samples.Where(s => s.Span is { } span && span.Start.Line <= line && line <= span.End.Line).ToList();
        if (column is not { } c)
        {
            return onLine.FirstOrDefault();
        }

        var position = new TextPosition(line, c);
        return onLine.FirstOrDefault(s => s.Span!.Value.Contains(position))
            ?? onLine.FirstOrDefault(s => s.Span!.Value.Start > position)
            ?? onLine.LastOrDefault(s => s.Span!.Value.End <= position);
    }

    private static DaemonException NotASample(Dataset dataset, int line, int? column)
    {
        var where = column is { } c ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {c}") : string.Create(CultureInfo.InvariantCulture, $"line {line}");
        string why;
        if (line > dataset.LineCount)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"the file has {dataset.LineCount} lines");
        }
        else if (dataset.Format == "clevr")
        {
            why = dataset.Samples.Any(s => s.Span is not null)
                ? "it is not inside a question the daemon could read" + (dataset.Warnings.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({dataset.Warnings.Count} questions were skipped, e.g. {dataset.Warnings[0]})") : string.Empty)
                : "the positions of this file's questions are not known";
        }
        else
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"line {line}: ");
            var warning = dataset.Warnings.FirstOrDefault(w => w.StartsWith(prefix, StringComparison.Ordinal));
            why = warning is null ? "the line is blank" : warning[prefix.Length..];
        }

        return new DaemonException(ErrorCode.SampleNotFound, $"{where} of {Name(dataset)} is not a sample: {why}.", where);
    }

    private static string Name(Dataset dataset) => System.IO.Path.GetFileName(dataset.Path);
}
