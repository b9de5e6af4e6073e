using System.CommandLine;
using System.Globalization;
using Dime.Daemon.Handlers;
using Dime.Daemon.Sharding;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>`dataset`: EMAP over a slice of a dataset -> dataset.json, dataset.html and samples.jsonl; or one shard of it.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest.json (default: the bundled demo model)." };
        var dataset = new Option<string?>("--dataset") { Description = "A JSONL dataset or CLEVR questions file (default: the bundled demo dataset)." };
        var offset = new Option<int>("--offset") { Description = "First sample of the slice.", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "Samples in the slice (its n x n grid is evaluated).", DefaultValueFactory = _ => 100 };
        var top = new Option<int>("--top") { Description = "How many of the most interactive samples to list.", DefaultValueFactory = _ => 20 };
        var range = new Option<string?>("--range") { Description = "The slice as a:b (samples a to b-1; a: runs to the end); overrides --offset and --count." };
        var shard = new Option<string?>("--shard") { Description = "Compute only shard i of n (i/n) of the slice's grid into --out; `merge` joins the shards." };
        var output = new Option<string>("--out") { Description = "Folder for dataset.json, dataset.html and samples.jsonl (a shard's partial with --shard).", DefaultValueFactory = _ => Path.Combine("dime-out", "dataset") };
        var command = new Command("dataset", "EMAP over a dataset slice: accuracy against the additive projection, UC and MI per label, the most interactive samples.")
        {
            model, dataset, offset, count, range, shard, top, output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var folder = Inference.Files.SafeFiles.CheckFolderForWriting(result.GetValue(output), "--out");
                var entry = daemon.Models.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw ExplainCommand.Missing("--model"));
                var opened = daemon.Datasets.Open(result.GetValue(dataset) ?? DemoAssets.Dataset ?? throw ExplainCommand.Missing("--dataset"));
                Validate.Range(result.GetValue(top), 1, 10_000, "--top");
                var slice = result.GetValue(range) is { } text
                    ? SampleRange.Parse(text, opened.Samples.Count, "--range")
                    : SampleRange.Parse(string.Create(CultureInfo.InvariantCulture, $"{result.GetValue(offset)}:{Math.Min((long)result.GetValue(offset) + Math.Max(0, result.GetValue(count)), opened.Samples.Count)}"), opened.Samples.Count, "--offset/--count");
                var part = ShardSpec.Parse(result.GetValue(shard));
                var report = await ExplainDatasetHandler.RunAsync(entry, opened, slice, part, folder, result.GetValue(top), new ConsoleProgress("dataset"), cancellationToken).ConfigureAwait(false);
                if (report is null)
                {
                    Console.WriteLine($"shard {part} (samples {part.Of(slice)} of {slice}) written to {folder}; join the shards with `merge`");
                    return 0;
                }

                var invariant = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(invariant, $"samples:            {report.Count} ({report.SamplesWithAnswers} with answers)"));
                Console.WriteLine(string.Create(invariant, $"accuracy:           {report.Emap.Accuracy:P1}"));
                Console.WriteLine(string.Create(invariant, $"additive accuracy:  {report.Emap.ProjectedAccuracy:P1}   EMAP gap {report.Emap.Gap:P1}"));
                Console.WriteLine($"report:             {Path.Combine(folder, "dataset.html")}");
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
