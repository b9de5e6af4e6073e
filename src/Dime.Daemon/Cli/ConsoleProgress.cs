using Dime.Daemon.Explaining;

namespace Dime.Daemon.Cli;

/// <summary>Progress of a command-line run, as one line per phase and every tenth on stderr.</summary>
internal sealed class ConsoleProgress(string task) : IProgress<ProgressValue>
{
    private readonly Lock _gate = new();
    private string? _phase;
    private int _decile = -1;

    public void Report(ProgressValue value)
    {
        lock (_gate)
        {
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
}
