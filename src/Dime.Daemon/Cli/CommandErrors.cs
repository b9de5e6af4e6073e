using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>Runs a command, turning typed errors into one clear line on stderr and a non-zero exit code.</summary>
internal static class CommandErrors
{
    /// <summary>The one line printed for a failure a user can act on (typed errors, file-system refusals), or null for a bug.</summary>
    public static string? OneLine(Exception e) => e switch
    {
        _ when ErrorCodes.Of(e) is { } error => $"error {(int)error.Code} {error.Code}: {error.Message}",
        UnauthorizedAccessException or IOException or ArgumentException => $"error: {(e.Message.Length > 300 ? e.Message[..300] + "…" : e.Message)}",
        _ => null,
    };

    public static async Task<int> Run(Daemon daemon, Func<Task<int>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (Exception e) when (OneLine(e) is { } line)
        {
            Console.Error.WriteLine(line);
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            daemon.Log.Debug("command finished");
        }
    }
}
