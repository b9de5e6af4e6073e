using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference;
using Dime.Inference.Checking;
using Dime.Inference.Manifest;
using Dime.Inference.Models;
using Dime.Inference.Runtime;

namespace Dime.Benchmarks;

/// <summary>What to measure. The defaults are DIME's: S = 1000 per modality, N = 100 reference samples.</summary>
internal sealed record BenchmarkOptions
{
    /// <summary>Batch sizes for the per-graph throughput, and partners per row for the full-vs-split comparison (N + 1 = 101 is DIME's).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 16, 64, 101, 256, 1024];

    /// <summary>Least time spent on each throughput figure.</summary>
    public double SecondsPerMeasurement { get; init; } = 1.5;

    /// <summary>Time one whole explanation's worth of model calls both ways.</summary>
    public bool RunWorkload { get; init; } = true;

    public int ImagePerturbations { get; init; } = 1000;

    public int TextPerturbations { get; init; } = 1000;

    public int ReferenceSize { get; init; } = 100;

    /// <summary>Share of the full graph's workload actually run (its time is scaled up); 1 runs all of it.</summary>
    public double FullGraphWorkloadFraction { get; init; } = 1;

    /// <summary>Also load the model on this device and compare the logits of both devices (the GPU check: cpu).</summary>
    public DeviceOptions? CompareWith { get; init; }

    /// <summary>Largest relative L2 accepted by the comparison; by default 1e-3 when CUDA may use TF32, 1e-6 otherwise.</summary>
    public double? CompareTolerance { get; init; }

    public int Seed { get; init; } = 2022;
}

/// <summary>Rows (images, texts or pairs) per second of one graph at one batch size.</summary>
internal sealed record GraphThroughput(string Graph, int BatchSize, double RowsPerSecond);

/// <summary>One new input against <see cref="Partners"/> cached partners, as a DIME row: pairs per second both ways.</summary>
internal sealed record RowThroughput(int Partners, double FullGraphPairsPerSecond, double? SplitPairsPerSecond);

/// <summary>Time of one explanation's grid workload on one path.</summary>
internal sealed record WorkloadTiming(string Path, long Pairs, double Seconds, bool Extrapolated);

/// <summary>Logits of the same inputs on two devices: relative L2 of the full graph's and of the split path's logits.</summary>
internal sealed record DeviceAgreement(string Device, string OtherDevice, int Pairs, double RelativeL2Full, double RelativeL2Split, double Tolerance, bool Passed);

internal sealed record BenchmarkReport(
    string Model,
    string ContentHash,
    DeviceInfo Device,
    string Workload,
    IReadOnlyList<GraphThroughput> Graphs,
    IReadOnlyList<RowThroughput> Rows,
    WorkloadTiming? FullGraph,
    WorkloadTiming? Split,
    DeviceAgreement? Agreement)
{
    /// <summary>Full graph time over split time for the whole workload.</summary>
    public double? Speedup => FullGraph is not null && Split is not null && Split.Seconds > 0 ? FullGraph.Seconds / Split.Seconds : null;

    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"DIME inference benchmark: {Model} ({ContentHash[..12]}) on {Device} (ONNX Runtime {Device.OnnxRuntimeVersion}, {Environment.ProcessorCount} logical cores)");
        if (Graphs.Count > 0)
        {
            var names = Graphs.Select(g => g.Graph).Distinct().ToArray();
            text.AppendLine("forward passes per second of each graph (rows/s):");
            text.Append(inv, $"  {"batch",6}").AppendLine(string.Concat(names.Select(n => n.PadLeft(14))));
            foreach (var batch in Graphs.Select(g => g.BatchSize).Distinct())
            {
                text.Append(inv, $"  {batch,6}");
                foreach (var name in names)
                {
                    var hit = Graphs.FirstOrDefault(g => g.Graph == name && g.BatchSize == batch);
                    text.Append(inv, $"{(hit is null ? "-" : hit.RowsPerSecond.ToString("0", inv)),14}");
                }

                text.AppendLine();
            }
        }

        if (Rows.Count > 0)
        {
            text.AppendLine("one new input against b cached partners (a DIME row), pairs/s:");
            text.AppendLine(inv, $"  {"b",6}{"full graph",14}{"split",14}{"ratio",8}");
            foreach (var row in Rows)
            {
                var ratio = row.SplitPairsPerSecond / row.FullGraphPairsPerSecond;
                text.AppendLine(inv, $"  {row.Partners,6}{row.FullGraphPairsPerSecond,14:0}{(row.SplitPairsPerSecond is { } s ? s.ToString("0", inv) : "-"),14}{(ratio is { } r ? r.ToString("0.0", inv) + "x" : "-"),8}");
            }
        }

        if (FullGraph is not null || Split is not null)
        {
            text.AppendLine(inv, $"one explanation's model calls ({Workload}):");
            foreach (var timing in new[] { FullGraph, Split }.OfType<WorkloadTiming>())
            {
                text.AppendLine(inv, $"  {timing.Path,-10} {timing.Seconds,9:0.00} s  {timing.Pairs / timing.Seconds,10:0} pairs/s{(timing.Extrapolated ? "  (extrapolated from a share of the rows)" : string.Empty)}");
            }

            if (Speedup is { } speedup)
            {
                text.AppendLine(inv, $"  split path is {speedup:0.0}x faster than the full graph");
            }
        }

        if (Agreement is { } a)
        {
            text.AppendLine(inv, $"logits {a.Device} vs {a.OtherDevice} on {a.Pairs} pairs: relative L2 full {a.RelativeL2Full:E2}, split {a.RelativeL2Split:E2} (tolerance {a.Tolerance:E0}): {(a.Passed ? "OK" : "FAILED")}");
        }

        return text.ToString();
    }
}

/// <summary>
/// Measures a model the way DIME uses it. Not a test: run it from the daemon's <c>bench</c> command. Figures depend
/// on the machine; the report names the device and the core count.
/// </summary>
internal static class InferenceBenchmark
{
    /// <summary>Loads the model on <paramref name="device"/> and measures it; progress lines go to <paramref name="log"/>.</summary>
    public static async Task<BenchmarkReport> RunAsync(string manifestPath, DeviceOptions device, BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        using var model = OnnxModelLoader.Load(manifestPath, device);
        await log.WriteLineAsync($"loaded {model.Name} on {model.Device}").ConfigureAwait(false);
        var random = new Random(options.Seed);
        var workload = new Workload(model, options, random);

        var graphs = new List<GraphThroughput>();
        var rows = new List<RowThroughput>();
        foreach (var batch in options.BatchSizes)
        {
            foreach (var runner in Runners(model))
            {
                var rate = MeasureGraph(runner, batch, workload, options.SecondsPerMeasurement, cancellationToken);
                graphs.Add(new GraphThroughput(Role(runner.Spec.Role), batch, rate));
            }

            var row = await MeasureRowAsync(model, batch, workload, options.SecondsPerMeasurement, cancellationToken).ConfigureAwait(false);
            rows.Add(row);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"batch {batch}: {string.Join(", ", graphs.Where(g => g.BatchSize == batch).Select(g => $"{g.Graph} {g.RowsPerSecond:0}/s"))}; row: full {row.FullGraphPairsPerSecond:0}/s, split {row.SplitPairsPerSecond:0}/s")).ConfigureAwait(false);
        }

        WorkloadTiming? full = null, split = null;
        if (options.RunWorkload)
        {
            if (model.Split is not null)
            {
                split = await workload.TimeAsync(model.Split, "split", 1, cancellationToken).ConfigureAwait(false);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"workload, split path: {split.Seconds:0.00} s")).ConfigureAwait(false);
            }

            if (model.FullGraph is not null)
            {
                full = await workload.TimeAsync(model.FullGraph, "full graph", options.FullGraphWorkloadFraction, cancellationToken).ConfigureAwait(false);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"workload, full graph: {full.Seconds:0.00} s")).ConfigureAwait(false);
            }
        }

        DeviceAgreement? agreement = null;
        if (options.CompareWith is { } other)
        {
            agreement = await CompareAsync(model, manifestPath, other, options, workload, cancellationToken).ConfigureAwait(false);
        }

        return new BenchmarkReport(model.Name, model.ContentHash, model.Device, workload.Description, graphs, rows, full, split, agreement);
    }

    private static IEnumerable<GraphRunner> Runners(LoadedModel model) =>
        new[] { model.FullGraphModel?.Runner, (model.ImageEncoder as OnnxImageEncoder)?.Runner, model.TextEncoder?.Runner, model.Fusion?.Runner }.OfType<GraphRunner>();

    private static string Role(GraphRole role) => role switch
    {
        GraphRole.Full => "full",
        GraphRole.ImageEncoder => "imageEncoder",
        GraphRole.TextEncoder => "textEncoder",
        _ => "fusion",
    };

    /// <summary>Raw graph runs on realistic rows (preprocessed images, tokenized questions, encoder-like features).</summary>
    private static double MeasureGraph(GraphRunner parent, int batch, Workload workload, double seconds, CancellationToken cancellationToken)
    {
        using var runner = parent.WithMaxBatch(batch);
        var buffers = runner.Rent();
        try
        {
            batch = Math.Min(batch, runner.MaxBatch);
            for (var k = 0; k < batch; k++)
            {
                workload.FillRow(runner, buffers, k);
            }

            runner.Run(buffers, batch, cancellationToken);
            var watch = Stopwatch.StartNew();
            var runs = 0;
            while (runs < 3 || watch.Elapsed.TotalSeconds < seconds)
            {
                runner.Run(buffers, batch, cancellationToken);
                runs++;
            }

            return batch * runs / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            runner.Return(buffers);
        }
    }

    private static async Task<RowThroughput> MeasureRowAsync(LoadedModel model, int partners, Workload workload, double seconds, CancellationToken cancellationToken)
    {
        var texts = workload.ReferenceTexts(partners);
        async Task<double?> Rate(IMultimodalModel? path)
        {
            if (path is null)
            {
                return null;
            }

            // the first call caches the partners' encodings, as DIME's reference set is cached
            await path.EvaluateGridAsync(workload.OneImage(0), texts, cancellationToken).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            var runs = 0;
            while (runs < 2 || watch.Elapsed.TotalSeconds < seconds)
            {
                await path.EvaluateGridAsync(workload.OneImage(runs + 1), texts, cancellationToken).ConfigureAwait(false);
                runs++;
            }

            return partners * runs / watch.Elapsed.TotalSeconds;
        }

        var full = await Rate(model.FullGraph).ConfigureAwait(false);
        var split = await Rate(model.Split).ConfigureAwait(false);
        return new RowThroughput(partners, full ?? double.NaN, split);
    }

    private static async Task<DeviceAgreement> CompareAsync(LoadedModel model, string manifestPath, DeviceOptions otherDevice, BenchmarkOptions options, Workload workload, CancellationToken cancellationToken)
    {
        using var other = OnnxModelLoader.Load(manifestPath, otherDevice);
        var images = workload.ReferenceImages(16);
        var texts = workload.ReferenceTexts(16);
        async Task<double> RelativeL2(IMultimodalModel? a, IMultimodalModel? b)
        {
            if (a is null || b is null)
            {
                return double.NaN;
            }

            var mine = await a.EvaluateGridAsync(images, texts, cancellationToken).ConfigureAwait(false);
            var theirs = await b.EvaluateGridAsync(images, texts, cancellationToken).ConfigureAwait(false);
            return ModelChecker.RelativeL2(mine.Values, theirs.Values);
        }

        var full = await RelativeL2(model.FullGraph, other.FullGraph).ConfigureAwait(false);
        var split = await RelativeL2(model.Split, other.Split).ConfigureAwait(false);
        var tolerance = options.CompareTolerance ?? (model.Device.Tf32 || other.Device.Tf32 ? 1e-3 : 1e-6);
        var passed = new[] { full, split }.Where(double.IsFinite).All(v => v <= tolerance);
        return new DeviceAgreement(model.Device.ToString(), other.Device.ToString(), images.Count * texts.Length, full, split, tolerance, passed);
    }

    /// <summary>
    /// The model calls of one DIME explanation: the image rows (S perturbed images x (N reference texts + the instance's
    /// text)), the text rows ((N reference images + the instance's image) x S perturbed texts) and mu (N x N).
    /// </summary>
    private sealed class Workload
    {
        private readonly LoadedModel _model;
        private readonly BenchmarkOptions _options;
        private readonly RgbImage[] _references;
        private readonly string[] _referenceTexts;
        private readonly RgbImage _instance;
        private readonly string _instanceText;
        private readonly string[] _perturbedTexts;
        private readonly float[] _imageRow;
        private readonly float[] _featureRow;

        public Workload(LoadedModel model, BenchmarkOptions options, Random random)
        {
            _model = model;
            _options = options;
            int width = model.ImageWidth * 2, height = model.ImageHeight * 2;
            _references = Enumerable.Range(0, Math.Max(options.ReferenceSize, 16)).Select(_ => ModelChecker.SyntheticImage(random, width, height)).ToArray();
            _referenceTexts = ModelChecker.SyntheticTexts(model, random, Math.Max(Math.Max(options.ReferenceSize, 16), options.BatchSizes.DefaultIfEmpty(1).Max())).ToArray();
            _instance = ModelChecker.SyntheticImage(random, width, height);
            var words = model.TextTokenizer.Words;
            _instanceText = string.Join(' ', Enumerable.Range(0, Math.Min(10, model.Tokenizer.MaxLength)).Select(_ => words.Count == 0 ? "word" : words[random.Next(words.Count)]));
            var instanceWords = _instanceText.Split(' ');
            _perturbedTexts = Enumerable.Range(0, options.TextPerturbations)
                .Select(_ => string.Join(' ', instanceWords.Where(_ => random.NextDouble() < 0.5)))
                .ToArray();
            _imageRow = new float[model.Preprocessor.OutputLength];
            model.Preprocessor.Process(_instance.Pixels, width, height, _imageRow);
            _featureRow = Enumerable.Range(0, 1 << 16).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            Perturbations = new PerturbedImages(_instance, options.ImagePerturbations, options.Seed);
        }

        public PerturbedImages Perturbations { get; }

        public long Pairs(double fraction) =>
            (long)Math.Ceiling(_options.ImagePerturbations * fraction) * (_options.ReferenceSize + 1)
            + ((long)(_options.ReferenceSize + 1) * (long)Math.Ceiling(_options.TextPerturbations * fraction))
            + ((long)_options.ReferenceSize * _options.ReferenceSize);

        public string Description => string.Create(
            CultureInfo.InvariantCulture,
            $"image rows {_options.ImagePerturbations}x{_options.ReferenceSize + 1}, text rows {_options.ReferenceSize + 1}x{_options.TextPerturbations}, mu {_options.ReferenceSize}x{_options.ReferenceSize}: {Pairs(1)} pairs");

        public ImageList OneImage(int seed) => new([PerturbedImages.Perturb(_instance, seed)]);

        public ImageList ReferenceImages(int count) => new(_references[..count], Enumerable.Range(0, count).Select(i => (string?)$"bench-ref-{i}").ToArray());

        public string[] ReferenceTexts(int count) => _referenceTexts.Take(count).ToArray();

        public async Task<WorkloadTiming> TimeAsync(IMultimodalModel path, string name, double fraction, CancellationToken cancellationToken)
        {
            fraction = Math.Clamp(fraction, 0.001, 1);
            (path as SplitModel)?.ClearCache();
            var n = _options.ReferenceSize;
            var referenceImages = new ImageList(_references[..n].Append(_instance).ToArray(), Enumerable.Range(0, n).Select(i => (string?)$"bench-ref-{i}").Append("bench-instance").ToArray());
            var partners = _referenceTexts[..n].Append(_instanceText).ToArray();
            var imageRows = (int)Math.Ceiling(_options.ImagePerturbations * fraction);
            var textRows = (int)Math.Ceiling(_options.TextPerturbations * fraction);
            var watch = Stopwatch.StartNew();
            await path.EvaluateGridAsync(Perturbations.Take(imageRows), partners, cancellationToken).ConfigureAwait(false);
            await path.EvaluateGridAsync(referenceImages, _perturbedTexts[..textRows], cancellationToken).ConfigureAwait(false);
            await path.EvaluateGridAsync(ReferenceImages(n), _referenceTexts[..n], cancellationToken).ConfigureAwait(false);
            var seconds = watch.Elapsed.TotalSeconds;
            var extrapolated = fraction < 1;
            if (extrapolated)
            {
                // the mu grid ran whole; only the rows scale
                var rowsPairs = Pairs(fraction) - ((long)n * n);
                var allRowsPairs = Pairs(1) - ((long)n * n);
                seconds *= (double)allRowsPairs / rowsPairs;
            }

            return new WorkloadTiming(name, Pairs(1), seconds, extrapolated);
        }

        /// <summary>Fills one batch row of a graph with realistic values for its role.</summary>
        public void FillRow(GraphRunner runner, BatchBuffers buffers, int row)
        {
            var ids = new int[_model.Tokenizer.MaxLength];
            var mask = new int[_model.Tokenizer.MaxLength];
            _model.TextTokenizer.Encode(_referenceTexts[row % _referenceTexts.Length], ids, mask);
            for (var input = 0; input < runner.Inputs.Count; input++)
            {
                var bound = runner.Inputs[input];
                switch (bound.Role)
                {
                    case InputRole.Image when bound.RowLength == _imageRow.Length:
                        _imageRow.CopyTo(buffers.FloatRow(input, row));
                        break;
                    case InputRole.Image or InputRole.Text when bound.ElementType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float:
                        _featureRow.AsSpan(0, Math.Min(bound.RowLength, _featureRow.Length)).CopyTo(buffers.FloatRow(input, row));
                        break;
                    case InputRole.Text:
                        buffers.WriteInts(input, row, ids);
                        break;
                    case InputRole.AttentionMask:
                        buffers.WriteInts(input, row, mask);
                        break;
                    default:
                        buffers.ClearRow(input, row);
                        break;
                }
            }
        }
    }

    /// <summary>The instance image with random blocks greyed out, rendered when asked (as the engine's perturbation sets are).</summary>
    private sealed class PerturbedImages(RgbImage instance, int count, int seed) : ImageSet
    {
        private readonly int _count = count;

        public override int Count => _count;

        public override int WidthOf(int index) => instance.Width;

        public override int HeightOf(int index) => instance.Height;

        public override void Render(int index, Span<byte> destination) => Perturb(instance, seed + index).Pixels.CopyTo(destination);

        public PerturbedImages Take(int rows) => new(instance, Math.Min(rows, _count), seed);

        public static RgbImage Perturb(RgbImage image, int seed)
        {
            var random = new Random(seed);
            var pixels = (byte[])image.Pixels.Clone();
            var block = Math.Max(1, image.Width / 8);
            for (var by = 0; by < image.Height; by += block)
            {
                for (var bx = 0; bx < image.Width; bx += block)
                {
                    if (random.Next(2) == 0)
                    {
                        continue;
                    }

                    for (var y = by; y < Math.Min(by + block, image.Height); y++)
                    {
                        pixels.AsSpan(((y * image.Width) + bx) * 3, Math.Min(block, image.Width - bx) * 3).Fill(128);
                    }
                }
            }

            return new RgbImage(image.Width, image.Height, pixels);
        }
    }
}
