using System.Globalization;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Sharding;

/// <summary>A half-open range of sample indices, [Start, End).</summary>
internal sealed record SampleRange(int Start, int End)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public int Count => End - Start;

    /// <summary>Parses "a:b" (either side may be left out: ":b", "a:") against a dataset of <paramref name="total"/> samples.</summary>
    public static SampleRange Parse(string? text, int total, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new SampleRange(0, total);
        }

        var parts = text.Split(':');
        if (parts.Length != 2 || !TryBound(parts[0], 0, out var start) || !TryBound(parts[1], total, out var end))
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"{option} is '{text}'; write a:b (samples a to b-1), a: or :b.", option);
        }

        if (start < 0 || end > total || start >= end)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"{option} {start}:{end} is not a non-empty range of the dataset's {total} samples.", option);
        }

        return new SampleRange(start, end);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start}:{End}");

    private static bool TryBound(string text, int fallback, out int value)
    {
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>
/// Shard i of n: the i-th of n contiguous, nearly equal pieces of a sample range (piece k is
/// [start + k*len/n, start + (k+1)*len/n) in integer division), so every index lands in exactly one shard
/// whatever machine computes it.
/// </summary>
internal sealed record ShardSpec(int Index, int Count)
{
    public static readonly ShardSpec Whole = new(0, 1);

    public static ShardSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Whole;
        }

        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index >= count)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"--shard is '{text}'; write i/n with 0 <= i < n (e.g. 0/4).", "--shard");
        }

        return new ShardSpec(index, count);
    }

    public SampleRange Of(SampleRange range)
    {
        var length = (long)range.Count;
        return new SampleRange(range.Start + (int)(length * Index / Count), range.Start + (int)(length * (Index + 1) / Count));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
