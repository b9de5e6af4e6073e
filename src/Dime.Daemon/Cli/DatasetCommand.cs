using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;
using Dime.Daemon.Requests;

namespace Dime.Daemon.Cli;

/// <summary>`dataset`: EMAP over a slice of a dataset -> dataset.json and dataset.html.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest.json (default: the bundled demo model)." };
        var dataset = new Option<string?>("--dataset") { Description = "A JSONL dataset or CLEVR questions file (default: the bundled demo dataset)." };
        var offset = new Option<int>("--offset") { Description = "First sample of the slice.", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "Samples in the slice (its n x n grid is evaluated).", DefaultValueFactory = _ => 100 };
        var top = new Option<int>("--top") { Description = "How many of the most interactive samples to list.", DefaultValueFactory = _ => 20 };
        var output = new Option<string>("--out") { Description = "Folder for dataset.json and dataset.html.", DefaultValueFactory = _ => Path.Combine("dime-out", "dataset") };
        var command = new Command("dataset", "EMAP over a dataset slice: accuracy against the additive projection, UC and MI per label, the most interactive samples.")
        {
            model, dataset, offset, count, top, output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var folder = Inference.Files.SafeFiles.CheckFolderForWriting(result.GetValue(output), "--out");
                var entry = daemon.Models.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw ExplainCommand.Missing("--model"));
                var opened = daemon.Datasets.Open(result.GetValue(dataset) ?? DemoAssets.Dataset ?? throw ExplainCommand.Missing("--dataset"));
                Validate.Range(result.GetValue(count), 2, ExplainDatasetHandler.MaxSlice, "--count");
                var report = await ExplainDatasetHandler.RunAsync(entry, opened, result.GetValue(offset), result.GetValue(count), result.GetValue(top), new ConsoleProgress("dataset"), cancellationToken).ConfigureAwait(false);
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, "dataset.json"), JsonSerializer.SerializeToUtf8Bytes(report, Json.Options), cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(Path.Combine(folder, "dataset.html"), DatasetReport.Render(report, entry.Loaded.Name, opened.Path), cancellationToken).ConfigureAwait(false);
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
