using System.Globalization;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>
/// Progress of a command-line run, as one line per phase and every tenth on stderr; partial results (--partial) as
/// a line per part of each label sent: its top features so far and how much the fit moved since the previous one.
/// </summary>
internal sealed class ConsoleProgress(string task) : IProgress<ProgressValue>
{
    private readonly Lock _gate = new();
    private string? _phase;
    private int _decile = -1;

    public void Report(ProgressValue value)
    {
        lock (_gate)
        {
            if (value.Partial is { } partial)
            {
                WritePartial(partial);
            }

            var decile = (int)Math.Floor(value.Fraction * 10);
            if (value.Phase == _phase && decile == _decile)
            {
                return;
            }

            _phase = value.Phase;
            _decile = decile;
            Console.Error.WriteLine($"{task}: {value.Phase,-13} {value.Fraction * 100,5:0}%");
        }
    }

    private void WritePartial(PartialResult partial)
    {
        var moved = partial.Convergence is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"top-{c.TopK} overlap {c.MinTopKOverlap:0.00}, Spearman {c.MinSpearman:0.00}, largest change {c.MaxRelativeChange:0.00}{(c.IsStable ? " (stable)" : string.Empty)}")
            : "first fit";
        Console.Error.WriteLine($"{task}: partial {partial.Modality} {partial.Rows}/{partial.PlannedRows} rows, {moved}");
        foreach (var label in partial.Explanations)
        {
            foreach (var (name, part) in new[] { ("M", label.M), ("UC", label.Uc), ("MI", label.Mi) })
            {
                var top = Engine.Quality.RankStatistics.TopK([.. part.Weights], 5).Select(j => $"{j}:{WeightText.Signed(part.Weights[j], 3)}");
                Console.Error.WriteLine($"{task}:   label {label.Label} {name,-2} {string.Join(' ', top)}");
            }
        }
    }
}
