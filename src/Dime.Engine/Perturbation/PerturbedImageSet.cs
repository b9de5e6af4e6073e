using System.Diagnostics;
using Dime.Engine.Models;
using Dime.Engine.Sampling;

namespace Dime.Engine.Perturbation;

/// <summary>
/// Rows [first, first + count) of a sample matrix as images, each rendered only when the model asks for it.
/// Thread-safe: rendering reads shared immutable data and writes only the caller's buffer.
/// </summary>
internal sealed class PerturbedImageSet : ImageSet
{
    private readonly ImageHiding _hiding;
    private readonly FeatureRows _rows;
    private readonly int _first;
    private readonly int _count;
    private long _renderTicks;

    public PerturbedImageSet(ImageHiding hiding, FeatureRows rows, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(hiding);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Features != hiding.Segmentation.Count)
        {
            throw new ArgumentException("One column per segment.", nameof(rows));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, rows.Count, nameof(count));
        _hiding = hiding;
        _rows = rows;
        _first = first;
        _count = count;
    }

    public override int Count => _count;

    /// <summary>Time spent rendering, summed over the threads that rendered.</summary>
    public TimeSpan RenderTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _renderTicks));

    public override int WidthOf(int index) => _hiding.Original.Width;

    public override int HeightOf(int index) => _hiding.Original.Height;

    public override void Render(int index, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        var started = Stopwatch.GetTimestamp();
        _hiding.Render(_rows.Row(_first + index), destination);
        Interlocked.Add(ref _renderTicks, Stopwatch.GetTimestamp() - started);
    }
}
