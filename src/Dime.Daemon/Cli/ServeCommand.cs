using System.CommandLine;
using Dime.Daemon.Hosting;

namespace Dime.Daemon.Cli;

/// <summary>`serve --stdio`: the JSON-RPC service the editor extension talks to.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var stdio = new Option<bool>("--stdio") { Description = "Speak JSON-RPC with LSP framing on stdin/stdout (the only transport).", DefaultValueFactory = _ => true };
        var parentPid = new Option<int?>("--parent-pid") { Description = "Exit when this process exits." };
        var command = new Command("serve", "Serve the DIME protocol on stdio (what the VS Code extension runs).") { stdio, parentPid };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (input, output) = StdioStreams.TakeOverForProtocol();
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            if (result.GetValue(parentPid) is { } pid)
            {
                daemon.Lifetime.WatchParent(pid);
            }

            return await DaemonServer.RunAsync(daemon, input, output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
