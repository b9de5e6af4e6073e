using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Engine.Sampling;

namespace Dime.Benchmarks;

internal sealed record EngineBenchmarkSettings
{
    public int ImageSize { get; init; } = 224;

    public int ReferenceSize { get; init; } = 100;

    public int SamplesPerModality { get; init; } = 1000;

    public int Labels { get; init; } = 30;

    public string Question { get; init; } = "is the red cube to the left of the large green sphere";

    public int Seed { get; init; }
}

/// <summary>The engine's own cost for one full explanation with a model that costs nothing (times in ms).</summary>
internal sealed record EngineBenchmarkReport(
    EngineBenchmarkSettings Settings,
    int Segments,
    int Words,
    int ModelCalls,
    long ModelPairs,
    long ImagesRendered,
    double ReferencePreparationMs,
    PhaseTimings Timings,
    long PeakManagedBytes,
    long AllocatedBytes)
{
    public override string ToString()
    {
        var t = Timings;
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"DIME engine benchmark: {Settings.ImageSize}x{Settings.ImageSize} image, {Words}-feature question, S = {Settings.SamplesPerModality} per modality, N = {Settings.ReferenceSize}, {Settings.Labels} labels");
        text.AppendLine(c, $"  {Segments} segments, {ModelCalls} model calls, {ModelPairs:N0} pairs, {ImagesRendered:N0} images rendered");
        text.AppendLine(c, $"  reference N x N (once per model and R): {ReferencePreparationMs,8:F1} ms");
        text.AppendLine(c, $"  segmentation            {t.SegmentationMs,8:F1} ms");
        text.AppendLine(c, $"  sampling                {t.SamplingMs,8:F1} ms");
        text.AppendLine(c, $"  perturbation setup      {t.PerturbationMs,8:F1} ms");
        text.AppendLine(c, $"  rendering (all threads) {t.RenderingMs,8:F1} ms");
        text.AppendLine(c, $"  disentanglement         {t.DisentanglementMs,8:F1} ms");
        text.AppendLine(c, $"  fitting                 {t.FittingMs,8:F1} ms (bootstrap stability {t.BootstrapMs:F1} ms of it)");
        text.AppendLine(c, $"  model calls (free model){t.ModelMs,8:F1} ms");
        text.AppendLine(c, $"  total                   {t.TotalMs,8:F1} ms, engine's own {t.EngineMs:F1} ms");
        text.AppendLine(c, $"  peak managed memory {PeakManagedBytes / 1048576.0:F1} MiB, allocated {AllocatedBytes / 1048576.0:F1} MiB");
        return text.ToString();
    }
}

/// <summary>
/// One full explanation (both modalities, default options) with a model that renders every image it is given,
/// as a real model must, and returns zeros: what remains is the engine's own time and memory.
/// </summary>
internal static class EngineBenchmark
{
    public static async Task<EngineBenchmarkReport> RunAsync(EngineBenchmarkSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = new FreeModel(settings.Labels);
        var random = new Xoshiro256StarStar(settings.Seed, 99);
        var instance = new ExplainInstance(SyntheticPhoto(settings.ImageSize, random), settings.Question, "instance");
        var references = Enumerable.Range(0, settings.ReferenceSize).Select(_ => SyntheticPhoto(settings.ImageSize, random)).ToArray();
        var texts = Enumerable.Range(0, settings.ReferenceSize).Select(i => $"question {i} about the scene").ToArray();
        var reference = new ReferenceSet(new ImageList(references, references.Select((_, i) => (string?)$"r{i}").ToArray()), texts);

        var prepared = await PreparedReference.PrepareAsync(model, reference, null, cancellationToken).ConfigureAwait(false);
        model.Reset();
        var options = new ExplainOptions { ImageSamples = settings.SamplesPerModality, TextSamples = settings.SamplesPerModality, Seed = settings.Seed };

        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        var allocated = GC.GetTotalAllocatedBytes(true);
        using var sampling = new CancellationTokenSource();
        var peak = baseline;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                try
                {
                    await Task.Delay(2, sampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        var explanation = await DimeExplainer.ExplainAsync(model, instance, prepared, options, null, cancellationToken).ConfigureAwait(false);
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        peak = Math.Max(peak, GC.GetTotalMemory(false));

        return new EngineBenchmarkReport(
            settings, explanation.Image!.Segmentation.Count, explanation.Text!.Features.Words.Length, model.Calls, model.Pairs, model.ImagesRendered,
            prepared.ElapsedMs, explanation.Timings!, peak, GC.GetTotalAllocatedBytes(true) - allocated);
    }

    /// <summary>Smooth colour fields, a few flat shapes and mild noise: quickshift behaves on it as on a photo.</summary>
    internal static RgbImage SyntheticPhoto(int size, Xoshiro256StarStar random)
    {
        var pixels = new byte[size * size * 3];
        var phase = random.NextDouble() * 6;
        var shapes = Enumerable.Range(0, 24).Select(_ => (X: random.NextDouble() * size, Y: random.NextDouble() * size, R: 6 + (random.NextDouble() * size / 10), C: random.NextInt(256))).ToArray();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var p = ((y * size) + x) * 3;
                var r = 120 + (60 * Math.Sin((x * 0.03) + phase));
                var g = 110 + (50 * Math.Cos((y * 0.025) - phase));
                var b = 100 + (40 * Math.Sin((x + y) * 0.02));
                foreach (var s in shapes)
                {
                    if (((x - s.X) * (x - s.X)) + ((y - s.Y) * (y - s.Y)) < s.R * s.R)
                    {
                        (r, g, b) = (s.C, 255 - s.C, (s.C * 3) % 256);
                    }
                }

                var noise = random.NextInt(9) - 4;
                pixels[p] = (byte)Math.Clamp(r + noise, 0, 255);
                pixels[p + 1] = (byte)Math.Clamp(g + noise, 0, 255);
                pixels[p + 2] = (byte)Math.Clamp(b + noise, 0, 255);
            }
        }

        return new RgbImage(size, size, pixels);
    }

    /// <summary>Renders every image it is given, in parallel, into pooled buffers, and returns zeros.</summary>
    private sealed class FreeModel(int labels) : IMultimodalModel
    {
        private int _calls;
        private long _pairs;
        private long _rendered;

        public IReadOnlyList<string> Labels { get; } = Enumerable.Range(0, labels).Select(i => $"label{i}").ToArray();

        public int Calls => _calls;

        public long Pairs => _pairs;

        public long ImagesRendered => _rendered;

        public void Reset() => (_calls, _pairs, _rendered) = (0, 0, 0);

        public Task<LogitGrid> EvaluateGridAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            _calls++;
            _pairs += (long)images.Count * texts.Count;
            _rendered += images.Count;
            Parallel.For(0, images.Count, i =>
            {
                var length = images.WidthOf(i) * images.HeightOf(i) * 3;
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                images.Render(i, buffer.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(buffer);
            });
            return Task.FromResult(new LogitGrid(images.Count, texts.Count, Labels.Count, new float[images.Count * texts.Count * Labels.Count]));
        }
    }
}
