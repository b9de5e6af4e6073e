using Dime.Engine.Errors;

namespace Dime.Daemon.Cli;

/// <summary>Runs a command, turning typed errors into one clear line on stderr and a non-zero exit code.</summary>
internal static class CommandErrors
{
    public static async Task<int> Run(Daemon daemon, Func<Task<int>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (DimeException e)
        {
            Console.Error.WriteLine($"error {(int)e.Code} {e.Code}: {e.Message}");
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
