using System.Diagnostics;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;
using Dime.Engine.Sampling;

namespace Dime.Engine.Disentanglement;

/// <summary>
/// For each perturbation row and label: the model's output with the instance's other modality, and the partial
/// dependence over R (g1 of the perturbed image, or g2 of the perturbed text). Laid out [row * labels + label].
/// </summary>
internal sealed class RowValues(int rows, int labels)
{
    public int Rows { get; } = rows;

    public int Labels { get; } = labels;

    /// <summary>M(z) = f(a(z), b*) or f(a*, b(z)).</summary>
    public double[] Output { get; } = new double[rows * labels];

    /// <summary>g1(a(z)) or g2(b(z)).</summary>
    public double[] PartialDependence { get; } = new double[rows * labels];
}

/// <summary>Time spent per kind of work, accumulated across calls.</summary>
internal sealed class PassClock
{
    public TimeSpan Model { get; set; }

    public TimeSpan Render { get; set; }

    public TimeSpan Bookkeeping { get; set; }
}

/// <summary>
/// Runs perturbation rows through the model in chunks: each call evaluates <c>rowsPerBatch</c> perturbations
/// against the N reference partners plus the instance's own partner, so no more than that many inputs exist at
/// once. Cancellation is checked and progress reported between chunks.
/// </summary>
internal static class PerturbationPasses
{
    /// <summary>
    /// The most logits one model call may return (32 MB of floats): with thousands of labels (VQA's 3129), 256 rows
    /// times 101 partners would be a 323 MB grid per call, so fewer rows go into each call.
    /// </summary>
    public const long MaxLogitsPerCall = 8_000_000;

    /// <summary><paramref name="requested"/> rows per call, fewer when a call's grid would exceed <see cref="MaxLogitsPerCall"/>.</summary>
    public static int RowsWithinBudget(int requested, int partnersPerRow, int labels) =>
        (int)Math.Clamp(MaxLogitsPerCall / Math.Max(1L, (long)partnersPerRow * labels), 1, requested);

    /// <summary>Image rows z: images a(z), texts R's texts and b* (appended unless R already holds the same string).</summary>
    public static async Task<RowValues> ImageRowsAsync(
        IMultimodalModel model, ImageHiding hiding, FeatureRows rows, ReferenceSet reference, string instanceText,
        int[] labels, int rowsPerBatch, PassClock clock, Action<int> rowsDone, CancellationToken cancellationToken)
    {
        var n = reference.Count;
        var texts = reference.Texts.ToList();
        var instanceColumn = texts.IndexOf(instanceText);
        if (instanceColumn < 0)
        {
            instanceColumn = texts.Count;
            texts.Add(instanceText);
        }

        var values = new RowValues(rows.Count, labels.Length);
        rowsPerBatch = RowsWithinBudget(rowsPerBatch, texts.Count, model.Labels.Count);
        for (var first = 0; first < rows.Count; first += rowsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBatch, rows.Count - first);
            var images = new PerturbedImageSet(hiding, rows, first, count);
            var called = Stopwatch.GetTimestamp();
            var grid = await ModelCalls.EvaluateAsync(model, images, texts, cancellationToken).ConfigureAwait(false);
            clock.Model += Stopwatch.GetElapsedTime(called);
            clock.Render += images.RenderTime;
            var kept = Stopwatch.GetTimestamp();
            for (var s = 0; s < count; s++)
            {
                var rowStart = s * grid.Texts * grid.Labels;
                Collect(values, first + s, labels, grid.Values, rowStart + (instanceColumn * grid.Labels), rowStart, grid.Labels, n);
            }

            clock.Bookkeeping += Stopwatch.GetElapsedTime(kept);
            rowsDone(first + count);
        }

        return values;
    }

    /// <summary>Text rows z: texts b(z), images R's images and a* (unless a key shows that R already holds it).</summary>
    public static async Task<RowValues> TextRowsAsync(
        IMultimodalModel model, IndexedText text, FeatureRows rows, string? maskToken, ReferenceSet reference, ImageSet instanceImage,
        int[] labels, int rowsPerBatch, PassClock clock, Action<int> rowsDone, CancellationToken cancellationToken)
    {
        var n = reference.Count;
        var (images, instanceRow) = WithInstanceImage(reference.Images, instanceImage);
        var values = new RowValues(rows.Count, labels.Length);
        rowsPerBatch = RowsWithinBudget(rowsPerBatch, images.Count, model.Labels.Count);
        var texts = new string[Math.Min(rowsPerBatch, rows.Count)];
        for (var first = 0; first < rows.Count; first += rowsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBatch, rows.Count - first);
            var rendered = Stopwatch.GetTimestamp();
            if (count != texts.Length)
            {
                texts = new string[count];
            }

            for (var s = 0; s < count; s++)
            {
                texts[s] = text.Render(rows.Row(first + s), maskToken);
            }

            clock.Render += Stopwatch.GetElapsedTime(rendered);
            var called = Stopwatch.GetTimestamp();
            var grid = await ModelCalls.EvaluateAsync(model, images, texts, cancellationToken).ConfigureAwait(false);
            clock.Model += Stopwatch.GetElapsedTime(called);
            var kept = Stopwatch.GetTimestamp();
            for (var s = 0; s < count; s++)
            {
                var stride = grid.Texts * grid.Labels;
                Collect(values, first + s, labels, grid.Values, (instanceRow * stride) + (s * grid.Labels), s * grid.Labels, stride, n);
            }

            clock.Bookkeeping += Stopwatch.GetElapsedTime(kept);
            rowsDone(first + count);
        }

        return values;
    }

    /// <summary>R's images followed by the instance image, or R's images alone when one of them has the instance's cache key.</summary>
    internal static (ImageSet Images, int InstanceIndex) WithInstanceImage(ImageSet referenceImages, ImageSet instanceImage)
    {
        if (instanceImage.CacheKey(0) is { } key)
        {
            for (var i = 0; i < referenceImages.Count; i++)
            {
                if (referenceImages.CacheKey(i) == key)
                {
                    return (referenceImages, i);
                }
            }
        }

        return (new ConcatenatedImageSet(referenceImages, instanceImage), referenceImages.Count);
    }

    /// <summary>
    /// Row <paramref name="row"/>'s output (the logits at <paramref name="ownOffset"/>) and partial dependence (the mean of
    /// the N partners' logits, which start at <paramref name="firstPartnerOffset"/> and lie <paramref name="partnerStride"/> apart).
    /// </summary>
    private static void Collect(RowValues values, int row, int[] labels, float[] logits, int ownOffset, int firstPartnerOffset, int partnerStride, int n)
    {
        var output = values.Output.AsSpan(row * labels.Length, labels.Length);
        var partial = values.PartialDependence.AsSpan(row * labels.Length, labels.Length);
        for (var l = 0; l < labels.Length; l++)
        {
            output[l] = logits[ownOffset + labels[l]];
        }

        for (var j = 0; j < n; j++)
        {
            var partner = logits.AsSpan(firstPartnerOffset + (j * partnerStride));
            for (var l = 0; l < labels.Length; l++)
            {
                partial[l] += partner[labels[l]];
            }
        }

        for (var l = 0; l < labels.Length; l++)
        {
            partial[l] /= n;
        }
    }
}
