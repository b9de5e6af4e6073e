namespace Dime.Engine.Models;

/// <summary>
/// A classifier f(image, text) -> logits, evaluated on every pair of an image set and a text set at once.
/// The grid is what DIME needs (perturbations x partners), and it lets an implementation encode each
/// distinct image and text once (see <see cref="SplitModel"/>).
/// </summary>
public interface IMultimodalModel
{
    /// <summary>One name per logit.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>f(images[i], texts[j]) for every i and j: pre-softmax logits.</summary>
    Task<LogitGrid> EvaluateGridAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken);

    /// <summary>
    /// f(images[imageOf[p]], texts[textOf[p]]) for each pair p, laid out [pair, label]: what the subsampled partner
    /// estimators need, where each perturbation meets its own few partners. The default runs one grid per distinct
    /// image (1 x its texts), which costs exactly the pairs asked for; batching implementations override it.
    /// </summary>
    Task<float[]> EvaluatePairsAsync(ImageSet images, IReadOnlyList<string> texts, int[] imageOf, int[] textOf, CancellationToken cancellationToken) =>
        PairsByImage.EvaluateAsync(this, images, texts, imageOf, textOf, cancellationToken);
}

/// <summary>Pairs evaluated as one small grid per distinct image.</summary>
internal static class PairsByImage
{
    public static async Task<float[]> EvaluateAsync(IMultimodalModel model, ImageSet images, IReadOnlyList<string> texts, int[] imageOf, int[] textOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imageOf);
        ArgumentNullException.ThrowIfNull(textOf);
        if (imageOf.Length != textOf.Length)
        {
            throw new ArgumentException("One text index per image index.", nameof(textOf));
        }

        var labels = model.Labels.Count;
        var logits = new float[checked(imageOf.Length * labels)];
        foreach (var group in Enumerable.Range(0, imageOf.Length).GroupBy(p => imageOf[p]))
        {
            var pairs = group.ToArray();
            var grid = await model.EvaluateGridAsync(new OneImage(images, group.Key), [.. pairs.Select(p => texts[textOf[p]])], cancellationToken).ConfigureAwait(false);
            for (var t = 0; t < pairs.Length; t++)
            {
                grid.Row(0, t).CopyTo(logits.AsSpan(pairs[t] * labels, labels));
            }
        }

        return logits;
    }

    private sealed class OneImage(ImageSet source, int index) : ImageSet
    {
        public override int Count => 1;

        public override int WidthOf(int i) => source.WidthOf(index);

        public override int HeightOf(int i) => source.HeightOf(index);

        public override void Render(int i, Span<byte> destination) => source.Render(index, destination);

        public override string? CacheKey(int i) => source.CacheKey(index);
    }
}

/// <summary>Logits of an image-by-text grid, laid out [image, text, label].</summary>
public sealed class LogitGrid
{
    public LogitGrid(int images, int texts, int labels, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != checked(images * texts * labels))
        {
            throw new ArgumentException($"Expected {images}x{texts}x{labels} logits, got {values.Length}.", nameof(values));
        }

        Images = images;
        Texts = texts;
        Labels = labels;
        Values = values;
    }

    public int Images { get; }

    public int Texts { get; }

    public int Labels { get; }

    public float[] Values { get; }

    public float this[int image, int text, int label] => Values[((image * Texts) + text) * Labels + label];

    public ReadOnlySpan<float> Row(int image, int text) => Values.AsSpan(((image * Texts) + text) * Labels, Labels);
}
