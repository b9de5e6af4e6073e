using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Explaining;
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
        command.Subcommands.Add(PartnersBench.Create());
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
        var partners = new Option<int>("--partners") { Description = "k of the subsampled run (per-row partners).", DefaultValueFactory = _ => ExplainOptionsResolver.DefaultPartners > 0 ? ExplainOptionsResolver.DefaultPartners : 10 };
        var command = new Command(
            "explain",
            "Whole DIME explanations of a demo sample, split path against full graph, exact against k partners: pair passes, wall time, time to the first partial result, agreement.")
        {
            model, samples, reference, skipFull, rows, partners,
        };
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
                var options = new ExplainOptionsDto(ImageSamples: result.GetValue(samples), TextSamples: result.GetValue(samples), ReferenceSize: n, Partial: true)
                    .Resolve(null, loaded.Tokenizer.MaskToken, instance.Image) with { RowsPerBatch = result.GetValue(rows) };
                var k = result.GetValue(partners);
                Console.WriteLine($"one DIME explanation on {loaded.Device}: S = {options.ImageSamples} per modality, N = {n}, {loaded.Labels.Count} labels, partial results on");
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
                    var prepared = await PreparedReference.PrepareAsync(path, referenceSet, null, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: reference grid {prepared.ElapsedMs / 1000:0.00} s (once per model and reference set)"));
                    var runs = new List<(string Mode, DimeExplanation Explanation, double Seconds, string Calls)>();
                    foreach (var (mode, modeOptions) in new[] { ("exact", options with { Partners = null }), ($"k = {k}", options with { Partners = k, PartnerEstimator = Engine.Disentanglement.PartnerEstimator.PerRow }) })
                    {
                        var callsBefore = loaded.GraphCalls;
                        var started = Stopwatch.GetTimestamp();
                        var explanation = await DimeExplainer.ExplainAsync(path, instance, prepared, modeOptions, null, cancellationToken).ConfigureAwait(false);
                        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
                        var calls = Explaining.ResultMapper.GraphCalls(callsBefore, loaded.GraphCalls).Where(c => c.Count > 0).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {c.Count:0}"));
                        runs.Add((mode, explanation, wall, string.Join(", ", calls)));
                    }

                    foreach (var (mode, explanation, wall, calls) in runs)
                    {
                        var t = explanation.Timings!;
                        var pairs = explanation.Image!.Sampling!.PairPasses + explanation.Text!.Sampling!.PairPasses;
                        var agreement = mode == "exact" ? string.Empty : " agreement with exact " + Agreement(runs[0].Explanation, explanation);
                        Console.WriteLine(string.Create(
                            CultureInfo.InvariantCulture,
                            $"    {mode,-8} {pairs,8} pairs {wall,7:0.00} s  first partial {t.FirstPartialMs / 1000,5:0.00} s  (model {t.ModelMs / 1000:0.00} s, engine {t.EngineMs / 1000:0.00} s, bootstrap {t.BootstrapMs / 1000:0.00} s){agreement}"));
                        if (calls.Length > 0)
                        {
                            Console.WriteLine($"             graph calls: {calls}");
                        }
                    }

                    var (exact, cheap) = (runs[0], runs[1]);
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"    k = {k}: {(double)(exact.Explanation.Image!.Sampling!.PairPasses + exact.Explanation.Text!.Sampling!.PairPasses) / (cheap.Explanation.Image!.Sampling!.PairPasses + cheap.Explanation.Text!.Sampling!.PairPasses):0.0}x fewer pairs, {exact.Seconds / cheap.Seconds:0.0}x faster"));
                    seconds[name] = exact.Seconds;
                }

                if (seconds.Count == 2)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  exact: split path is {seconds["full graph"] / seconds["split"]:0.0}x faster than the full graph"));
                }

                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Over every explained label's six cells (modality x part): mean Spearman, mean top-5 overlap, largest weight difference relative to exact's largest weight.</summary>
    private static string Agreement(DimeExplanation exact, DimeExplanation other)
    {
        var pairs = new[] { (exact.Image!.Labels, other.Image!.Labels), (exact.Text!.Labels, other.Text!.Labels) }
            .SelectMany(m => m.Item1.Zip(m.Item2, (a, b) => new[] { (a.M, b.M), (a.UC, b.UC), (a.MI, b.MI) }).SelectMany(x => x))
            .ToList();
        var spearman = pairs.Average(p => Engine.Quality.RankStatistics.Spearman(p.Item1.Weights, p.Item2.Weights));
        var top5 = pairs.Average(p => Engine.Quality.RankStatistics.TopKOverlap(p.Item1.Weights, p.Item2.Weights, 5));
        var largest = pairs.Max(p => Convergence.RelativeChange(p.Item2.Weights, p.Item1.Weights));
        return string.Create(CultureInfo.InvariantCulture, $"Spearman {spearman:0.00}, top-5 {top5:0.00}, max rel. diff {largest:0.00}");
    }

    private static DeviceOptions Device(string device, string? tf32) =>
        new() { Device = DeviceOptions.ParseKind(device), UseTf32 = !string.Equals(tf32, "off", StringComparison.OrdinalIgnoreCase) };

    private static DaemonException Missing() => Cli.ExplainCommand.Missing("--model");

    private static async Task WriteJson<T>(string? path, T value, CancellationToken cancellationToken)
    {
        if (path is not null)
        {
            await File.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(value, Json.Options), cancellationToken).ConfigureAwait(false);
        }
    }
}
