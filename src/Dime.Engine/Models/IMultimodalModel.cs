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
