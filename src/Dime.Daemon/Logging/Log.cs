namespace Dime.Daemon.Logging;

internal enum LogLevel
{
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Off,
}

/// <summary>The daemon's log: one line per event on stderr, which the extension shows in its output channel.</summary>
internal sealed class Log(LogLevel minimum, TextWriter? writer = null)
{
    private readonly TextWriter _writer = writer ?? Console.Error;
    private readonly Lock _gate = new();

    public LogLevel Minimum { get; } = minimum;

    public static LogLevel ParseLevel(string? value) =>
        Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) ? level : LogLevel.Info;

    public void Trace(string message) => Write(LogLevel.Trace, message);

    public void Debug(string message) => Write(LogLevel.Debug, message);

    public void Info(string message) => Write(LogLevel.Info, message);

    public void Warning(string message) => Write(LogLevel.Warning, message);

    public void Error(string message) => Write(LogLevel.Error, message);

    public bool IsEnabled(LogLevel level) => level >= Minimum && level != LogLevel.Off;

    private void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} [{level.ToString().ToLowerInvariant()}] {message}";
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }
}
