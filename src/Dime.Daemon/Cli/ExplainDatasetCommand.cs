using System.CommandLine;
using System.Globalization;
using Dime.Daemon.Sharding;

namespace Dime.Daemon.Cli;

/// <summary>`explain-dataset`: a DIME explanation of every sample of a range (or of one shard of it) -> results/ and index.jsonl.</summary>
internal static class ExplainDatasetCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest.json (default: the bundled demo model)." };
        var dataset = new Option<string?>("--dataset") { Description = "A JSONL dataset or CLEVR questions file (default: the bundled demo dataset)." };
        var range = new Option<string?>("--range") { Description = "The samples a:b (a to b-1; a: runs to the end). Default: all." };
        var shard = new Option<string?>("--shard") { Description = "Explain only shard i of n (i/n) of the range; `merge` joins the shards' folders." };
        var reference = new Option<string?>("--reference") { Description = "The dataset to draw the reference set from (default: --dataset)." };
        var output = new Option<string>("--out") { Description = "Folder for run.json, index.jsonl and results/<index>/result.json.", Required = true };
        var artifacts = new Option<bool>("--artifacts") { Description = "Also write each sample's overlay PNGs and report.html next to its result.json." };
        var options = ExplainOptionFlags.Create();
        var command = new Command("explain-dataset", "Explain every sample of a dataset range: one result.json per sample and an index; resumes where an earlier run stopped.")
        {
            model, dataset, range, shard, reference, output, artifacts,
        };
        options.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var entry = daemon.Models.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw ExplainCommand.Missing("--model"));
                var opened = daemon.Datasets.Open(result.GetValue(dataset) ?? DemoAssets.Dataset ?? throw ExplainCommand.Missing("--dataset"));
                var referenceSet = result.GetValue(reference) is { } referencePath ? daemon.Datasets.Open(referencePath) : opened;
                var samples = SampleRange.Parse(result.GetValue(range), opened.Samples.Count, "--range");
                var part = ShardSpec.Parse(result.GetValue(shard));
                var folder = Path.GetFullPath(result.GetValue(output)!);
                Console.Error.WriteLine($"model: {entry.Loaded.Name} on {entry.Loaded.Device}; shard {part}: samples {part.Of(samples)} of {samples}");
                var summary = await daemon.DatasetExplainer.RunAsync(
                    entry, opened, referenceSet, options.Read(result), samples, part, folder, result.GetValue(artifacts), new ConsoleProgress("explain-dataset"), cancellationToken).ConfigureAwait(false);
                var perSample = summary.Computed > 0 ? summary.ElapsedMs / summary.Computed / 1000 : 0;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"explain-dataset: shard {part} samples {summary.Samples}: computed {summary.Computed}, skipped {summary.Skipped} (already done), failed {summary.Failed}; {summary.ElapsedMs / 1000:0.0} s ({perSample:0.00} s per computed sample)"));
                Console.WriteLine($"index:      {Path.Combine(folder, IndexLine.FileName)}");
                return 0; // a failed sample is in the index with its error; merge keeps it, a rerun tries it again
            }).ConfigureAwait(false);
        });
        return command;
    }
}
