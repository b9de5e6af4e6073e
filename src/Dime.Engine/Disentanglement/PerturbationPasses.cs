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

    /// <summary>The first <paramref name="count"/> rows, copied.</summary>
    public RowValues Take(int count)
    {
        if (count == Rows)
        {
            return this;
        }

        var first = new RowValues(count, Labels);
        Output.AsSpan(0, count * Labels).CopyTo(first.Output);
        PartialDependence.AsSpan(0, count * Labels).CopyTo(first.PartialDependence);
        return first;
    }
}

/// <summary>Time spent per kind of work, and the (image, text) pairs evaluated, accumulated across calls.</summary>
internal sealed class PassClock
{
    public TimeSpan Model { get; set; }

    public TimeSpan Render { get; set; }

    public TimeSpan Bookkeeping { get; set; }

    public long PairPasses { get; set; }
}

/// <summary>
/// Runs perturbation rows [from, to) through the model in chunks of <c>rowsPerBatch</c>: each row meets its partners
/// from R (all N, a shared subset or its own subset; see <see cref="PartnerPlan"/>) plus the instance's own partner,
/// so no more than that many inputs exist at once. Cancellation is checked and progress reported between chunks.
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

    /// <summary>Image rows z: images a(z) against R's texts and b* (appended unless R already holds the same string).</summary>
    public static async Task ImageRowsAsync(
        IMultimodalModel model, ImageHiding hiding, FeatureRows rows, int from, int to, PartnerPlan partners, ReferenceSet reference, string instanceText,
        int[] labels, int rowsPerBatch, RowValues values, PassClock clock, Action<int> rowsDone, CancellationToken cancellationToken)
    {
        var texts = reference.Texts.ToList();
        var instanceColumn = AppendUnlessPresent(texts, instanceText);
        var shared = partners.SameForEveryRow ? partners.Of(0) : null;
        var sharedTexts = shared is null ? null : shared.Select(j => reference.Texts[j]).ToList();
        var sharedInstanceColumn = sharedTexts is null ? -1 : AppendUnlessPresent(sharedTexts, instanceText);
        rowsPerBatch = RowsWithinBudget(rowsPerBatch, sharedTexts?.Count ?? (partners.Partners + 1), model.Labels.Count);
        for (var first = from; first < to; first += rowsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBatch, to - first);
            var images = new PerturbedImageSet(hiding, rows, first, count);
            var called = Stopwatch.GetTimestamp();
            if (sharedTexts is not null)
            {
                var grid = await ModelCalls.EvaluateAsync(model, images, sharedTexts, cancellationToken).ConfigureAwait(false);
                clock.Model += Stopwatch.GetElapsedTime(called);
                clock.PairPasses += (long)count * sharedTexts.Count;
                var kept = Stopwatch.GetTimestamp();
                for (var s = 0; s < count; s++)
                {
                    var rowStart = s * grid.Texts * grid.Labels;
                    Collect(values, first + s, labels, grid.Values, rowStart + (sharedInstanceColumn * grid.Labels), rowStart, grid.Labels, shared!.Length);
                    partners.Correct(shared, labels, values.PartialDependence.AsSpan((first + s) * labels.Length, labels.Length));
                }

                clock.Bookkeeping += Stopwatch.GetElapsedTime(kept);
            }
            else
            {
                await PerRowAsync(model, images, texts, perturbedAreImages: true, first, count, partners, instanceColumn, labels, values, clock, cancellationToken).ConfigureAwait(false);
                clock.Model += Stopwatch.GetElapsedTime(called);
            }

            clock.Render += images.RenderTime;
            rowsDone(first + count);
        }
    }

    /// <summary>Text rows z: texts b(z) against R's images and a* (unless a key shows that R already holds it).</summary>
    public static async Task TextRowsAsync(
        IMultimodalModel model, IndexedText text, FeatureRows rows, int from, int to, string? maskToken, PartnerPlan partners, ReferenceSet reference, ImageSet instanceImage,
        int[] labels, int rowsPerBatch, RowValues values, PassClock clock, Action<int> rowsDone, CancellationToken cancellationToken)
    {
        var (images, instanceRow) = WithInstanceImage(reference.Images, instanceImage);
        var shared = partners.SameForEveryRow ? partners.Of(0) : null;
        var (sharedImages, sharedInstanceRow) = shared is null ? (images, instanceRow)
            : partners.IsExact ? (images, instanceRow)
            : WithInstanceImage(new ImageSubset(reference.Images, shared), instanceImage);
        rowsPerBatch = RowsWithinBudget(rowsPerBatch, shared is null ? partners.Partners + 1 : sharedImages.Count, model.Labels.Count);
        for (var first = from; first < to; first += rowsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBatch, to - first);
            var rendered = Stopwatch.GetTimestamp();
            var texts = new string[count];
            for (var s = 0; s < count; s++)
            {
                texts[s] = text.Render(rows.Row(first + s), maskToken);
            }

            clock.Render += Stopwatch.GetElapsedTime(rendered);
            var called = Stopwatch.GetTimestamp();
            if (shared is not null)
            {
                var grid = await ModelCalls.EvaluateAsync(model, sharedImages, texts, cancellationToken).ConfigureAwait(false);
                clock.Model += Stopwatch.GetElapsedTime(called);
                clock.PairPasses += (long)count * sharedImages.Count;
                var kept = Stopwatch.GetTimestamp();
                for (var s = 0; s < count; s++)
                {
                    var stride = grid.Texts * grid.Labels;
                    Collect(values, first + s, labels, grid.Values, (sharedInstanceRow * stride) + (s * grid.Labels), s * grid.Labels, stride, shared.Length);
                    partners.Correct(shared, labels, values.PartialDependence.AsSpan((first + s) * labels.Length, labels.Length));
                }

                clock.Bookkeeping += Stopwatch.GetElapsedTime(kept);
            }
            else
            {
                await PerRowAsync(model, images, texts, perturbedAreImages: false, first, count, partners, instanceRow, labels, values, clock, cancellationToken).ConfigureAwait(false);
                clock.Model += Stopwatch.GetElapsedTime(called);
            }

            rowsDone(first + count);
        }
    }

    /// <summary>
    /// Rows with their own partners: one pair per row with the instance's partner (<paramref name="ownPartner"/>, an
    /// index on the partner side) and one per drawn partner (the own pair reused when the instance's partner is drawn).
    /// The perturbed side holds the batch's rows 0..count-1.
    /// </summary>
    private static async Task PerRowAsync(
        IMultimodalModel model, ImageSet images, IReadOnlyList<string> texts, bool perturbedAreImages, int first, int count, PartnerPlan partners,
        int ownPartner, int[] labels, RowValues values, PassClock clock, CancellationToken cancellationToken)
    {
        var perturbed = new List<int>(count * (partners.Partners + 1));
        var partner = new List<int>(perturbed.Capacity);
        var ownPair = new int[count];
        var partnerPairs = new int[count][];
        for (var s = 0; s < count; s++)
        {
            ownPair[s] = perturbed.Count;
            perturbed.Add(s);
            partner.Add(ownPartner);
            var drawn = partners.Of(first + s);
            partnerPairs[s] = new int[drawn.Length];
            for (var t = 0; t < drawn.Length; t++)
            {
                if (drawn[t] == ownPartner)
                {
                    partnerPairs[s][t] = ownPair[s];
                    continue;
                }

                partnerPairs[s][t] = perturbed.Count;
                perturbed.Add(s);
                partner.Add(drawn[t]);
            }
        }

        int[] perturbedOf = [.. perturbed], partnerOf = [.. partner];
        var logits = perturbedAreImages
            ? await ModelCalls.EvaluatePairsAsync(model, images, texts, perturbedOf, partnerOf, cancellationToken).ConfigureAwait(false)
            : await ModelCalls.EvaluatePairsAsync(model, images, texts, partnerOf, perturbedOf, cancellationToken).ConfigureAwait(false);
        clock.PairPasses += perturbedOf.Length;
        var kept = Stopwatch.GetTimestamp();
        var l = model.Labels.Count;
        for (var s = 0; s < count; s++)
        {
            var row = first + s;
            var output = values.Output.AsSpan(row * labels.Length, labels.Length);
            var partial = values.PartialDependence.AsSpan(row * labels.Length, labels.Length);
            for (var c = 0; c < labels.Length; c++)
            {
                output[c] = logits[(ownPair[s] * l) + labels[c]];
            }

            foreach (var pair in partnerPairs[s])
            {
                for (var c = 0; c < labels.Length; c++)
                {
                    partial[c] += logits[(pair * l) + labels[c]];
                }
            }

            for (var c = 0; c < labels.Length; c++)
            {
                partial[c] /= partnerPairs[s].Length;
            }

            partners.Correct(partners.Of(row), labels, partial);
        }

        clock.Bookkeeping += Stopwatch.GetElapsedTime(kept);
    }

    /// <summary>The index of <paramref name="text"/> in the list, appended first when absent.</summary>
    private static int AppendUnlessPresent(List<string> texts, string text)
    {
        var index = texts.IndexOf(text);
        if (index >= 0)
        {
            return index;
        }

        texts.Add(text);
        return texts.Count - 1;
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
