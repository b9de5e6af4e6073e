using System.CommandLine;
using System.Globalization;
using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;

namespace Dime.Daemon.Cli;

/// <summary>`explain`: one DIME explanation from the command line -> result.json, overlay PNGs and report.html.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest.json (default: the bundled demo model)." };
        var dataset = new Option<string?>("--dataset") { Description = "A JSONL dataset or CLEVR questions file (default: the bundled demo dataset when --image is not given)." };
        var index = new Option<int>("--index") { Description = "The sample of the dataset to explain.", DefaultValueFactory = _ => 0 };
        var line = new Option<int?>("--line") { Description = "The 1-based line of --dataset that holds the sample, instead of --index (for a CLEVR file, the first question on that line)." };
        var image = new Option<string?>("--image") { Description = "An image file to explain instead of a dataset sample." };
        var question = new Option<string?>("--question") { Description = "The question about --image." };
        var reference = new Option<string?>("--reference") { Description = "The dataset to draw the reference set from (default: the sample's dataset, else the model's)." };
        var output = new Option<string?>("--out") { Description = "Folder for result.json, the PNGs and report.html (default: dime-out/<sample>)." };
        var options = ExplainOptionFlags.Create();
        var command = new Command("explain", "Explain one sample: UC and MI heatmaps over image regions and words, written as JSON, PNGs and an HTML report.")
        {
            model, dataset, index, line, image, question, reference, output,
        };
        options.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var outFolder = result.GetValue(output) is { } explicitOut ? Inference.Files.SafeFiles.CheckFolderForWriting(explicitOut, "--out") : null;
                // the arguments first: a mistake is reported before the model is loaded
                var imagePath = result.GetValue(image);
                var questionText = result.GetValue(question);
                if (imagePath is not null && string.IsNullOrWhiteSpace(questionText))
                {
                    throw new DaemonException(ErrorCode.InvalidArgument, "--image needs --question: the question to ask about the image (e.g. --question \"what color is the circle?\").", "--question");
                }

                if (imagePath is null && questionText is not null)
                {
                    throw new DaemonException(ErrorCode.InvalidArgument, "--question goes with --image; a dataset sample (--dataset, --index) brings its own question.", "--question");
                }

                Workspace.Dataset? opened = null;
                var wanted = 0;
                if (imagePath is null)
                {
                    opened = daemon.Datasets.Open(result.GetValue(dataset) ?? DemoAssets.Dataset ?? throw Missing("--dataset"));
                    wanted = result.GetValue(line) is { } atLine ? Workspace.SampleLocator.AtLine(opened, atLine).Index : result.GetValue(index);
                    if (wanted < 0 || wanted >= opened.Samples.Count)
                    {
                        throw new DaemonException(
                            ErrorCode.SampleNotFound,
                            string.Create(CultureInfo.InvariantCulture, $"--index {wanted} is past the end of {Path.GetFileName(opened.Path)}: it has {opened.Samples.Count} samples (--index 0 to {opened.Samples.Count - 1})."),
                            "--index");
                    }
                }

                var entry = daemon.Models.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw Missing("--model"));
                Console.Error.WriteLine($"model: {entry.Loaded.Name} on {DeviceLine(entry.Loaded.Device)}");
                var sample = opened is null ? new SampleRef(ImagePath: imagePath, Question: questionText) : new SampleRef(opened.Id, wanted);

                var dto = options.Read(result);
                if (result.GetValue(reference) is { } referencePath)
                {
                    dto = dto with { ReferenceDatasetId = daemon.Datasets.Open(referencePath).Id };
                }

                var runsBefore = entry.Loaded.SessionRuns;
                var explanation = await daemon.Explanations.ExplainAsync(entry, sample, dto, new ConsoleProgress("explain"), cancellationToken).ConfigureAwait(false);
                var sessionRuns = entry.Loaded.SessionRuns - runsBefore;
                var folder = outFolder ?? Path.GetFullPath(Path.Combine("dime-out", explanation.Sample.Id));
                var exportStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var files = explanation.Artifacts is null
                    ? Explaining.ResultExporter.Export(explanation, cachedJson: null, folder)
                    : Explaining.ResultExporter.Export(daemon.Results, explanation.ResultId, folder);
                var exportMs = System.Diagnostics.Stopwatch.GetElapsedTime(exportStarted).TotalMilliseconds;
                foreach (var warning in explanation.Warnings ?? [])
                {
                    Console.Error.WriteLine($"warning: {warning}");
                }

                PrintSummary(explanation, folder, files.Count, sessionRuns, exportMs);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The strongest three features by |weight|, "red +12.22, thing +4.15, shape +3.62".</summary>
    private static string Top(IReadOnlyList<double> weights, Func<int, string> name) =>
        string.Join(", ", weights.Select((w, i) => (w, i)).OrderByDescending(x => Math.Abs(x.w)).Take(3).Select(x => $"{name(x.i)} {WeightText.Signed(x.w)}"));

    /// <summary>The device, and in one sentence why the CPU is used when CUDA was wanted.</summary>
    internal static string DeviceLine(Dime.Inference.DeviceInfo device)
    {
        if (device.FallbackReason is not { } reason)
        {
            return device.Device;
        }

        var missing = System.Text.RegularExpressions.Regex.Match(reason, @"([\w.+-]+\.(?:so(?:\.\d+)*|dll))\s*:?\s*(?:cannot open|not found|No such file)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var why = missing.Success ? $"{missing.Groups[1].Value} is missing" : "its libraries could not be loaded";
        return $"the CPU, because CUDA could not be loaded ({why}); install the CUDA and cuDNN libraries ONNX Runtime needs to use the GPU";
    }

    internal static DaemonException Missing(string option) =>
        new(ErrorCode.InvalidArgument, $"{option} is required (no bundled demo was found next to the daemon).", option);

    private static void PrintSummary(ExplanationResult r, string folder, int files, long sessionRuns, double exportMs)
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
        var image = r.Image?.Explanations.FirstOrDefault(e => e.Label == predicted);
        var text = r.Text?.Explanations.FirstOrDefault(e => e.Label == predicted);
        foreach (var (part, pick) in new (string, Func<LabelExplanationDto, Part>)[] { ("M", e => e.M), ("UC", e => e.Uc), ("MI", e => e.Mi) })
        {
            var line = new List<string>();
            if (text is not null)
            {
                line.Add("words " + Top(pick(text).Weights, i => r.Text!.Features[i]));
            }

            if (image is not null)
            {
                line.Add("regions " + Top(pick(image).Weights, i => i.ToString(invariant)));
            }

            Console.WriteLine($"top {part + ":",-7} {string.Join("   ", line)}");
        }

        var time = r.Cached && r.Timings.TryGetValue(Explaining.ExplanationService.ServedTiming, out var served)
            ? string.Create(invariant, $"{served / 1000:0.000} s from the cache (computed in {r.Timings["total"] / 1000:0.0} s)")
            : string.Create(invariant, $"{r.Timings["total"] / 1000:0.0} s (model {r.Timings.GetValueOrDefault("model") / 1000:0.0} s)");
        Console.WriteLine(string.Create(invariant, $"seed:       {r.Settings["seed"]}   device: {r.Device.Name}   time: {time}   model runs: {sessionRuns}"));
        Console.WriteLine(string.Create(invariant, $"wrote {files} files to {folder} (drawn in {exportMs / 1000:0.00} s)"));
        Console.WriteLine($"report:     {Path.Combine(folder, ArtifactWriter.ReportFile)}");
    }
}
