using System.CommandLine;
using System.Globalization;
using Dime.Daemon.Reports;
using Dime.Daemon.Requests;
using Dime.Engine.Errors;

namespace Dime.Daemon.Cli;

/// <summary>`explain`: one DIME explanation from the command line -> result.json, overlay PNGs and report.html.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest.json (default: the bundled demo model)." };
        var dataset = new Option<string?>("--dataset") { Description = "A JSONL dataset or CLEVR questions file (default: the bundled demo dataset when --image is not given)." };
        var index = new Option<int>("--index") { Description = "The sample of the dataset to explain.", DefaultValueFactory = _ => 0 };
        var image = new Option<string?>("--image") { Description = "An image file to explain instead of a dataset sample." };
        var question = new Option<string?>("--question") { Description = "The question about --image." };
        var reference = new Option<string?>("--reference") { Description = "The dataset to draw the reference set from (default: the sample's dataset, else the model's)." };
        var output = new Option<string?>("--out") { Description = "Folder for result.json, the PNGs and report.html (default: dime-out/<sample>)." };
        var options = ExplainOptionFlags.Create();
        var command = new Command("explain", "Explain one sample: UC and MI heatmaps over image regions and words, written as JSON, PNGs and an HTML report.")
        {
            model, dataset, index, image, question, reference, output,
        };
        options.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var entry = daemon.Models.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw Missing("--model"));
                Console.Error.WriteLine($"model: {entry.Loaded.Name} on {entry.Loaded.Device}");
                SampleRef sample;
                if (result.GetValue(image) is { } imagePath)
                {
                    sample = new SampleRef(ImagePath: imagePath, Question: result.GetValue(question) ?? throw Missing("--question"));
                }
                else
                {
                    var opened = daemon.Datasets.Open(result.GetValue(dataset) ?? DemoAssets.Dataset ?? throw Missing("--dataset"));
                    sample = new SampleRef(opened.Id, result.GetValue(index));
                }

                var dto = options.Read(result);
                if (result.GetValue(reference) is { } referencePath)
                {
                    dto = dto with { ReferenceDatasetId = daemon.Datasets.Open(referencePath).Id };
                }

                var explanation = await daemon.Explanations.ExplainAsync(entry, sample, dto, new ConsoleProgress("explain"), cancellationToken).ConfigureAwait(false);
                var folder = Path.GetFullPath(result.GetValue(output) ?? Path.Combine("dime-out", explanation.Sample.Id));
                var files = ArtifactWriter.Export(daemon.Results.FolderOf(explanation.ResultId), folder);
                foreach (var warning in explanation.Warnings ?? [])
                {
                    Console.Error.WriteLine($"warning: {warning}");
                }

                PrintSummary(explanation, folder, files.Count);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    internal static DimeException Missing(string option) =>
        new(DimeErrorCode.InvalidArgument, $"{option} is required (no bundled demo was found next to the daemon).", option);

    private static void PrintSummary(ExplanationResult r, string folder, int files)
    {
        var predicted = r.Prediction.Label;
        var values = r.Values.First(v => v.Label == predicted);
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant, $"question:   {r.Sample.Question}"));
        Console.WriteLine(string.Create(invariant, $"answer:     {r.Labels[predicted]} ({r.Prediction.Top[0].Probability:P1}){(r.Sample.Answer is { } truth ? $", ground truth {truth}" : string.Empty)}"));
        Console.WriteLine(string.Create(invariant, $"logit:      {values.Logit:0.000} = UC {values.Uc:0.000} + MI {values.Mi:0.000}"));
        var explained = r.Provenance?.Labels.Resolved;
        Console.WriteLine(explained is null
            ? $"labels:     all {r.Labels.Count}"
            : $"labels:     {string.Join(", ", explained.Select(i => Explaining.LabelSelection.Describe(i, r.Labels)))}");
        if (r.Text?.Explanations.FirstOrDefault(e => e.Label == predicted) is { } text)
        {
            var words = text.Uc.Weights.Select((w, i) => (w, i)).OrderByDescending(x => Math.Abs(x.w)).Take(3).Select(x => string.Create(invariant, $"{r.Text.Features[x.i]} {x.w:+0.00;-0.00}"));
            Console.WriteLine($"top words:  UC {string.Join(", ", words)}");
        }

        Console.WriteLine(string.Create(invariant, $"seed:       {r.Settings["seed"]}   device: {r.Device.Name}   time: {r.Timings["total"] / 1000:0.0} s{(r.Cached ? " (cached)" : string.Empty)}"));
        Console.WriteLine($"wrote {files} files to {folder}");
        Console.WriteLine($"report:     {Path.Combine(folder, ArtifactWriter.ReportFile)}");
    }
}
