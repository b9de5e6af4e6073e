using System.CommandLine;
using Dime.Daemon.Sharding;

namespace Dime.Daemon.Cli;

/// <summary>`merge`: the folders of the shards of one explain-dataset or dataset run -> the output one process would write.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var folders = new Argument<string[]>("folders") { Description = "The shards' output folders.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The folder to write the merged output to.", Required = true };
        var top = new Option<int>("--top") { Description = "For dataset runs: how many of the most interactive samples to list.", DefaultValueFactory = _ => 20 };
        var command = new Command("merge", "Join the shards of an explain-dataset or dataset run, after checking that they belong together and cover every sample once.")
        {
            folders, output, top,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, () =>
            {
                var summary = PartialMerge.Merge(result.GetValue(folders) ?? [], result.GetValue(output)!, result.GetValue(top), daemon.Datasets);
                Console.WriteLine(PartialMerge.Describe(summary));
                return Task.FromResult(0);
            }).ConfigureAwait(false);
        });
        return command;
    }
}
