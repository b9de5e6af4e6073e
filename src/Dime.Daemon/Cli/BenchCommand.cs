using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Engine.Benchmarks;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Models;
using Dime.Inference;
using Dime.Inference.Benchmarks;
using Dime.Inference.Imaging;

namespace Dime.Daemon.Cli;

/// <summary>
/// `bench`: figures, not tests. `bench [manifest]` measures the model's graphs and one explanation's model calls,
/// full graph against the split path; `bench engine` the engine's own time with a model that costs nothing;
/// `bench explain` whole explanations both ways.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string?>("manifest") { Description = "The model's manifest (default: the bundled demo model).", Arity = ArgumentArity.ZeroOrOne };
        var tf32 = new Option<string>("--tf32") { Description = "on or off: TensorFloat-32 on CUDA.", DefaultValueFactory = _ => "on" };
        var compare = new Option<string?>("--compare-device") { Description = "Also run on this device (cpu) and compare the logits." };
        var seconds = new Option<double>("--seconds") { Description = "Least time per throughput figure.", DefaultValueFactory = _ => 1.5 };
        var batchSizes = new Option<string>("--batch-sizes") { Description = "Batch sizes, separated by commas.", DefaultValueFactory = _ => "1,16,64,101,256,1024" };
        var fullFraction = new Option<double>("--full-fraction") { Description = "Share of the full graph's workload to run (the time is scaled up).", DefaultValueFactory = _ => 1 };
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON here." };
        var command = new Command("bench", "Measure the model's speed: graphs, DIME rows and one explanation's model calls, full graph against split path.")
        {
            manifest, tf32, compare, seconds, batchSizes, fullFraction, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var device = Device(daemon.Options.Device, result.GetValue(tf32));
                var options = new BenchmarkOptions
                {
                    SecondsPerMeasurement = result.GetValue(seconds),
                    BatchSizes = [.. result.GetValue(batchSizes)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
                    FullGraphWorkloadFraction = result.GetValue(fullFraction),
                    CompareWith = result.GetValue(compare) is { } other ? new DeviceOptions { Device = DeviceOptions.ParseKind(other) } : null,
                };
                var path = result.GetValue(manifest) ?? DemoAssets.CleanModel ?? throw Cli.ExplainCommand.Missing("manifest");
                var report = await InferenceBenchmark.RunAsync(path, device, options, Console.Error, cancellationToken).ConfigureAwait(false);
                Console.Write(report.ToText());
                await WriteJson(result.GetValue(json), report, cancellationToken).ConfigureAwait(false);
                return report.Agreement is { Passed: false } ? 3 : 0;
            }).ConfigureAwait(false);
        });
        command.Subcommands.Add(EngineCommand());
        command.Subcommands.Add(ExplainBenchCommand(tf32));
        return command;
    }

    private static Command EngineCommand()
    {
        var runs = new Option<int>("--runs") { Description = "Explanations to time (the best and the median are shown).", DefaultValueFactory = _ => 5 };
        var command = new Command("engine", "The engine's own time for one explanation (224x224 image, 12-word question, S = 1000 per modality, N = 100) with a model that costs nothing.") { runs };
        command.SetAction(async (result, cancellationToken) =>
        {
            var reports = new List<EngineBenchmarkReport>();
            for (var i = 0; i < result.GetValue(runs); i++)
            {
                reports.Add(await EngineBenchmark.RunAsync(new EngineBenchmarkSettings(), cancellationToken).ConfigureAwait(false));
                Console.Error.WriteLine($"run {i + 1}: engine {reports[^1].Timings.EngineMs:0} ms");
            }

            var ordered = reports.OrderBy(r => r.Timings.EngineMs).ToList();
            Console.WriteLine("best run:");
            Console.WriteLine(ordered[0]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median engine time over {reports.Count} runs: {ordered[ordered.Count / 2].Timings.EngineMs:0.0} ms"));
            return 0;
        });
        return command;
    }

    private static Command ExplainBenchCommand(Option<string> tf32)
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest (default: the bundled demo model)." };
        var samples = new Option<int>("--samples") { Description = "S per modality.", DefaultValueFactory = _ => 1000 };
        var reference = new Option<int>("--reference-size") { Description = "N.", DefaultValueFactory = _ => 100 };
        var skipFull = new Option<bool>("--split-only") { Description = "Time only the split path (the full graph takes minutes on a CPU)." };
        var rows = new Option<int>("--rows-per-batch") { Description = "Perturbations per model call.", DefaultValueFactory = _ => new ExplainOptions().RowsPerBatch };
        var command = new Command("explain", "Whole DIME explanations of a demo sample (reference grid included), split path against full graph.") { model, samples, reference, skipFull, rows };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                using var loaded = OnnxModelLoader.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw Missing(), Device(daemon.Options.Device, result.GetValue(tf32)));
                var dataset = daemon.Datasets.Open(DemoAssets.Dataset ?? throw Missing());
                var n = Math.Min(result.GetValue(reference), dataset.Samples.Count - 1);
                var instanceSample = dataset.Samples[^1];
                var picked = dataset.Samples.Take(n).ToList();
                var referenceSet = new ReferenceSet(
                    new ImageList([.. picked.Select(s => ImageLoader.Load(dataset.ImageFullPath(s)))], [.. picked.Select(s => (string?)s.Id)]),
                    [.. picked.Select(s => s.Question)],
                    [.. picked.Select(s => s.Answer)]);
                var instance = new ExplainInstance(ImageLoader.Load(dataset.ImageFullPath(instanceSample)), instanceSample.Question, "instance");
                var options = new ExplainOptions { ImageSamples = result.GetValue(samples), TextSamples = result.GetValue(samples), RowsPerBatch = result.GetValue(rows) };
                Console.WriteLine($"one DIME explanation on {loaded.Device}: S = {options.ImageSamples} per modality, N = {n}, {loaded.Labels.Count} labels");
                var paths = new List<(string Name, IMultimodalModel Model)>();
                if (loaded.Split is { } split)
                {
                    paths.Add(("split", split));
                }

                if (!result.GetValue(skipFull) && loaded.FullGraph is { } full)
                {
                    paths.Add(("full graph", full));
                }

                var seconds = new Dictionary<string, double>();
                foreach (var (name, path) in paths)
                {
                    var callsBefore = loaded.GraphCalls;
                    var started = Stopwatch.GetTimestamp();
                    var prepared = await PreparedReference.PrepareAsync(path, referenceSet, null, cancellationToken).ConfigureAwait(false);
                    var explanation = await DimeExplainer.ExplainAsync(path, instance, prepared, options, null, cancellationToken).ConfigureAwait(false);
                    seconds[name] = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    var t = explanation.Timings!;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-10} {seconds[name],8:0.00} s  (reference grid {prepared.ElapsedMs / 1000:0.00} s, model {t.ModelMs / 1000:0.00} s, engine {t.EngineMs / 1000:0.00} s)"));
                    var calls = Explaining.ResultMapper.GraphCalls(callsBefore, loaded.GraphCalls).Where(c => c.Count > 0).ToList();
                    if (calls.Count > 0)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"             graph calls: {string.Join(", ", calls.Select(c => $"{c.Name} {c.Count:0}"))}"));
                    }
                }

                if (seconds.Count == 2)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  split path is {seconds["full graph"] / seconds["split"]:0.0}x faster"));
                }

                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static DeviceOptions Device(string device, string? tf32) =>
        new() { Device = DeviceOptions.ParseKind(device), UseTf32 = !string.Equals(tf32, "off", StringComparison.OrdinalIgnoreCase) };

    private static Engine.Errors.DimeException Missing() => Cli.ExplainCommand.Missing("--model");

    private static async Task WriteJson<T>(string? path, T value, CancellationToken cancellationToken)
    {
        if (path is not null)
        {
            await File.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(value, Json.Options), cancellationToken).ConfigureAwait(false);
        }
    }
}
