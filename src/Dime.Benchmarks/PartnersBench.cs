using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dime.Daemon.Cli;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Models;
using Dime.Engine.Quality;
using Dime.Inference;
using Dime.Inference.Imaging;

namespace Dime.Benchmarks;

/// <summary>
/// `bench partners`: the fidelity of the subsampled partner estimators. For each model, instance and seed it runs
/// exact DIME and, on the same rows (same seed), each estimator with k partners; every cell (modality x part of the
/// predicted label) gets the agreement with exact (Spearman, top-5 overlap, largest weight difference relative to
/// the largest exact weight) next to exact's own seed-to-seed agreement, and the suggested default k: the smallest
/// whose agreement is at least the seed-to-seed one in every cell. It also sets the bootstrap stability of each exact
/// run beside the K-seed stability of the same runs.
/// </summary>
internal static class PartnersBench
{
    private const int TopK = 5;
    private static readonly string[] Parts = ["M", "UC", "MI"];

    public static Command Create()
    {
        var models = new Option<string?>("--models") { Description = "Manifests separated by commas (default: the demo's clean and biased models)." };
        var instances = new Option<int>("--instances") { Description = "Explained samples per model (the dataset's last ones, outside R).", DefaultValueFactory = _ => 3 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per instance (exact's seed-to-seed agreement compares them).", DefaultValueFactory = _ => 3 };
        var ks = new Option<string>("--partners") { Description = "The k to measure, separated by commas.", DefaultValueFactory = _ => "5,10,20,50" };
        var estimators = new Option<string>("--estimators") { Description = "perRow, shared or both.", DefaultValueFactory = _ => "perRow,shared" };
        var samples = new Option<int>("--samples") { Description = "S per modality.", DefaultValueFactory = _ => 1000 };
        var reference = new Option<int>("--reference-size") { Description = "N.", DefaultValueFactory = _ => 100 };
        var command = new Command("partners", "Agreement of the subsampled partner estimators with exact DIME, beside exact's seed-to-seed agreement; bootstrap against K-seed stability.")
        {
            models, instances, seeds, ks, estimators, samples, reference,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                var demo = DemoAssets.Folder ?? throw ExplainCommand.Missing("--models");
                var paths = result.GetValue(models)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    ?? [Path.Combine(demo, "models", "clean", "manifest.json"), Path.Combine(demo, "models", "biased", "manifest.json")];
                var settings = new Settings(
                    result.GetValue(instances), result.GetValue(seeds), [.. result.GetValue(ks)!.Split(',').Select(k => int.Parse(k, CultureInfo.InvariantCulture))],
                    [.. result.GetValue(estimators)!.Split(',', StringSplitOptions.TrimEntries).Select(e => e == "shared" ? PartnerEstimator.Shared : PartnerEstimator.PerRow)],
                    result.GetValue(samples), result.GetValue(reference));
                var dataset = daemon.Datasets.Open(DemoAssets.Dataset ?? throw ExplainCommand.Missing("dataset"));
                foreach (var path in paths)
                {
                    using var loaded = OnnxModelLoader.Load(path, new DeviceOptions { Device = DeviceOptions.ParseKind(daemon.Settings.Device) });
                    var report = await MeasureAsync(loaded, dataset, settings, cancellationToken).ConfigureAwait(false);
                    Console.Write(report);
                }

                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record Settings(int Instances, int Seeds, int[] Partners, PartnerEstimator[] Estimators, int Samples, int ReferenceSize);

    /// <summary>Per cell (modality, part): the sums of the three agreement figures and how many comparisons they hold.</summary>
    private sealed class Agreement
    {
        public double Spearman { get; private set; }

        public double TopK { get; private set; }

        public double MaxRelativeDifference { get; private set; }

        public int Count { get; private set; }

        public void Add(double[] reference, double[] other)
        {
            Spearman += RankStatistics.Spearman(reference, other);
            TopK += RankStatistics.TopKOverlap(reference, other, PartnersBench.TopK);
            MaxRelativeDifference += Convergence.RelativeChange(other, reference);
            Count++;
        }

        public (double Spearman, double TopK, double MaxRelativeDifference) Mean => (Spearman / Count, TopK / Count, MaxRelativeDifference / Count);

        /// <summary>At least as close to exact as <paramref name="baseline"/> on all three figures.</summary>
        public bool AtLeast(Agreement baseline) =>
            Mean.Spearman >= baseline.Mean.Spearman && Mean.TopK >= baseline.Mean.TopK && Mean.MaxRelativeDifference <= baseline.Mean.MaxRelativeDifference;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean.Spearman,5:0.00} {Mean.TopK,4:0.00} {Mean.MaxRelativeDifference,5:0.00}");
    }

    private static async Task<string> MeasureAsync(LoadedModel loaded, Daemon.Workspace.Dataset dataset, Settings settings, CancellationToken cancellationToken)
    {
        var answers = dataset.Samples.Select(s => s.Answer).ToArray();
        var reference = ReferenceSampling.PickIndices(answers[..^settings.Instances], settings.ReferenceSize, 0, stratified: true);
        var picked = reference.Select(i => dataset.Samples[i]).ToList();
        var referenceSet = new ReferenceSet(
            new ImageList([.. picked.Select(s => ImageLoader.Load(dataset.ImageFullPath(s)))], [.. picked.Select(s => (string?)s.Id)]),
            [.. picked.Select(s => s.Question)],
            [.. picked.Select(s => s.Answer)]);
        var model = loaded.Model;
        var prepared = await PreparedReference.PrepareAsync(model, referenceSet, null, cancellationToken).ConfigureAwait(false);

        var cells = Cells();
        var seedToSeed = cells.ToDictionary(c => c, _ => new Agreement());
        var subsampled = new Dictionary<(PartnerEstimator, int, string), Agreement>();
        foreach (var estimator in settings.Estimators)
        {
            foreach (var k in settings.Partners)
            {
                foreach (var cell in cells)
                {
                    subsampled[(estimator, k, cell)] = new Agreement();
                }
            }
        }

        var stability = cells.ToDictionary(c => c, _ => new List<(double BootstrapSpearman, double BootstrapTopK, double SeedSpearman, double SeedTopK)>());
        var seconds = new Dictionary<string, double>();
        var pairs = new Dictionary<string, long>();
        foreach (var sample in dataset.Samples.TakeLast(settings.Instances))
        {
            var image = ImageLoader.Load(dataset.ImageFullPath(sample));
            var instance = new ExplainInstance(image, sample.Question, "bench:" + sample.Id);
            var logits = (await model.EvaluateGridAsync(new ImageList([image]), [sample.Question], cancellationToken).ConfigureAwait(false)).Values;
            var label = Array.IndexOf(logits, logits.Max());
            var options = new ExplainOptionsDto(ImageSamples: settings.Samples, TextSamples: settings.Samples, ReferenceSize: settings.ReferenceSize)
                .Resolve([label], loaded.Tokenizer.MaskToken, image);
            var exact = new List<DimeExplanation>();
            for (var seed = 0; seed < settings.Seeds; seed++)
            {
                var explanation = await TimedAsync("exact", options with { Seed = seed, Partners = null }).ConfigureAwait(false); // the wire default (k = 50) must not leak into exact
                if (seed == 0 && explanation.Image is { } first)
                {
                    // Pin the segmentation, as the K-seed stability does, so that the seeds share their features.
                    options = options with { Segmentation = options.Segmentation with { QuickshiftSeed = first.Segmentation.Parameters.QuickshiftSeed } };
                }

                exact.Add(explanation);
                foreach (var estimator in settings.Estimators)
                {
                    foreach (var k in settings.Partners)
                    {
                        var cheap = await TimedAsync($"{Name(estimator)} k={k}", options with { Seed = seed, Partners = k, PartnerEstimator = estimator }).ConfigureAwait(false);
                        foreach (var cell in cells)
                        {
                            subsampled[(estimator, k, cell)].Add(Weights(explanation, cell), Weights(cheap, cell));
                        }
                    }
                }
            }

            foreach (var cell in cells)
            {
                var seedAgreement = new Agreement();
                for (var a = 0; a < exact.Count; a++)
                {
                    for (var b = a + 1; b < exact.Count; b++)
                    {
                        seedToSeed[cell].Add(Weights(exact[a], cell), Weights(exact[b], cell));
                        seedAgreement.Add(Weights(exact[a], cell), Weights(exact[b], cell));
                    }
                }

                var bootstraps = exact.Select(e => Bootstrap(e, cell)).ToList();
                stability[cell].Add((bootstraps.Average(b => b.MeanSpearman), bootstraps.Average(b => b.MeanTopKOverlap), seedAgreement.Mean.Spearman, seedAgreement.Mean.TopK));
            }

            async Task<DimeExplanation> TimedAsync(string mode, ExplainOptions runOptions)
            {
                var started = Stopwatch.GetTimestamp();
                var explanation = await DimeExplainer.ExplainAsync(model, instance, prepared, runOptions, null, cancellationToken).ConfigureAwait(false);
                seconds[mode] = seconds.GetValueOrDefault(mode) + Stopwatch.GetElapsedTime(started).TotalSeconds;
                pairs[mode] = pairs.GetValueOrDefault(mode) + explanation.Image!.Sampling!.PairPasses + explanation.Text!.Sampling!.PairPasses;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loaded.Name} {sample.Id} seed {runOptions.Seed} {mode}: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} s"));
                return explanation;
            }
        }

        return Format(loaded, settings, cells, seedToSeed, subsampled, stability, seconds, pairs);
    }

    private static string[] Cells() => [.. new[] { "image", "text" }.SelectMany(m => Parts.Select(p => $"{m} {p}"))];

    private static SurrogateFit Fit(DimeExplanation e, string cell)
    {
        var labels = cell.StartsWith("image", StringComparison.Ordinal) ? e.Image!.Labels : e.Text!.Labels;
        return cell.EndsWith(" M", StringComparison.Ordinal) ? labels[0].M : cell.EndsWith("UC", StringComparison.Ordinal) ? labels[0].UC : labels[0].MI;
    }

    private static double[] Weights(DimeExplanation e, string cell) => Fit(e, cell).Weights;

    private static PartStability Bootstrap(DimeExplanation e, string cell)
    {
        var report = (cell.StartsWith("image", StringComparison.Ordinal) ? e.Image!.Bootstrap : e.Text!.Bootstrap)!.Labels[0];
        return cell.EndsWith(" M", StringComparison.Ordinal) ? report.M : cell.EndsWith("UC", StringComparison.Ordinal) ? report.UC : report.MI;
    }

    private static string Name(PartnerEstimator estimator) => estimator == PartnerEstimator.Shared ? "shared" : "perRow";

    private static string Format(
        LoadedModel loaded, Settings settings, string[] cells, Dictionary<string, Agreement> seedToSeed, Dictionary<(PartnerEstimator, int, string), Agreement> subsampled,
        Dictionary<string, List<(double BootstrapSpearman, double BootstrapTopK, double SeedSpearman, double SeedTopK)>> stability,
        Dictionary<string, double> seconds, Dictionary<string, long> pairs)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{loaded.Name} on {loaded.Device}: S = {settings.Samples} per modality, N = {settings.ReferenceSize}, {settings.Instances} instances x {settings.Seeds} seeds, predicted label");
        text.AppendLine("agreement with exact, each cell 'Spearman top-5 maxRelDiff' (mean over instances and seeds); exact seed-to-seed in the first column");
        var header = new StringBuilder($"{"cell",-10} | {"exact seed-to-seed",-17}");
        var columns = settings.Estimators.SelectMany(e => settings.Partners.Select(k => (Estimator: e, K: k))).ToList();
        foreach (var (estimator, k) in columns)
        {
            header.Append(inv, $" | {Name(estimator) + " k=" + k,-17}");
        }

        text.AppendLine(header.ToString());
        foreach (var cell in cells)
        {
            var line = new StringBuilder($"{cell,-10} | {seedToSeed[cell],-17}");
            foreach (var column in columns)
            {
                var agreement = subsampled[(column.Estimator, column.K, cell)];
                line.Append(inv, $" | {agreement + (agreement.AtLeast(seedToSeed[cell]) ? " " : "*"),-17}");
            }

            text.AppendLine(line.ToString());
        }

        text.AppendLine("  * = less agreement with exact than exact's seed-to-seed agreement");
        foreach (var estimator in settings.Estimators)
        {
            var qualifying = settings.Partners.Order().Where(k => cells.All(c => subsampled[(estimator, k, c)].AtLeast(seedToSeed[c]))).ToList();
            text.AppendLine(inv, $"  {Name(estimator)}: smallest k at least as close to exact as exact's seed-to-seed in every cell: {(qualifying.Count > 0 ? qualifying[0].ToString(inv) : "none (keep exact)")}");
        }

        text.AppendLine("cost per explanation (both modalities): pair passes and wall time, against exact");
        var runs = settings.Instances * settings.Seeds;
        foreach (var mode in seconds.Keys)
        {
            text.AppendLine(inv, $"  {mode,-14} {pairs[mode] / runs,9} pairs ({(double)pairs["exact"] / pairs[mode],5:0.0}x fewer)  {seconds[mode] / runs,6:0.00} s ({seconds["exact"] / seconds[mode],4:0.0}x faster)");
        }

        text.AppendLine(inv, $"bootstrap (B = {new ExplainOptions().BootstrapResamples}, per run) against the K-seed stability of the same {settings.Seeds} exact runs, per instance:");
        text.AppendLine($"{"cell",-10} | bootstrap Spearman  K-seed Spearman | bootstrap top-5  K-seed top-5");
        foreach (var cell in cells)
        {
            var points = stability[cell];
            text.AppendLine(inv, $"{cell,-10} | {points.Average(p => p.BootstrapSpearman),18:0.00} {points.Average(p => p.SeedSpearman),16:0.00} | {points.Average(p => p.BootstrapTopK),15:0.00} {points.Average(p => p.SeedTopK),13:0.00}");
        }

        var all = stability.Values.SelectMany(p => p).ToList();
        text.AppendLine(inv, $"  over {all.Count} (instance, cell) points: Spearman r = {Pearson(all.Select(p => p.BootstrapSpearman), all.Select(p => p.SeedSpearman)):0.00}, mean |bootstrap - K-seed| = {all.Average(p => Math.Abs(p.BootstrapSpearman - p.SeedSpearman)):0.00}; top-5 r = {Pearson(all.Select(p => p.BootstrapTopK), all.Select(p => p.SeedTopK)):0.00}, mean |difference| = {all.Average(p => Math.Abs(p.BootstrapTopK - p.SeedTopK)):0.00}");
        text.AppendLine();
        return text.ToString();
    }

    private static double Pearson(IEnumerable<double> xs, IEnumerable<double> ys)
    {
        var x = xs.ToArray();
        var y = ys.ToArray();
        var (mx, my) = (x.Average(), y.Average());
        var sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        var sxx = x.Sum(a => (a - mx) * (a - mx));
        var syy = y.Sum(b => (b - my) * (b - my));
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
