using System.Globalization;
using Dime.Engine.Errors;
using Dime.Engine.Imaging;
using Dime.Engine.Models;

namespace Dime.Inference.Checking;

/// <summary>How far the split composition is from the full graph on a grid of inputs.</summary>
/// <param name="MaxAbsoluteError">max |full - split| over every pair and label.</param>
/// <param name="MaxRelativeError">max over pairs of max |full - split| / max |full| (the pair's largest logit sets the scale).</param>
/// <param name="Passed">MaxRelativeError is at most Tolerance.</param>
public sealed record ModelCheckResult(
    string Model,
    string Device,
    int Images,
    int Texts,
    double MaxAbsoluteError,
    double MaxRelativeError,
    double Tolerance,
    bool Passed)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Passed ? "OK" : "FAILED")}: {Model} on {Device}, {Images}x{Texts} pairs: max abs error {MaxAbsoluteError:E2}, max rel error {MaxRelativeError:E2} (tolerance {Tolerance:E1})");
}

/// <summary>
/// Checks that a model's split graphs compose to its full graph: both paths evaluate the same image-by-text grid
/// through ONNX Runtime (the same preprocessing and tokenizer), and the logits are compared.
/// </summary>
public static class ModelChecker
{
    /// <summary>Checks on deterministic synthetic inputs: coloured shapes on plain backgrounds and texts made of vocabulary words.</summary>
    public static Task<ModelCheckResult> CheckAsync(LoadedModel model, double tolerance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var random = new Random(2022);
        var images = Enumerable.Range(0, 8).Select(_ => SyntheticImage(random, model.ImageWidth * 2, model.ImageHeight * 2)).ToArray();
        return CheckAsync(model, new ImageList(images), SyntheticTexts(model, random, 8), tolerance, cancellationToken);
    }

    /// <summary>Checks on given images and texts (every pair of them).</summary>
    public static async Task<ModelCheckResult> CheckAsync(LoadedModel model, ImageSet images, IReadOnlyList<string> texts, double tolerance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        if (model.FullGraph is null || model.Split is null)
        {
            throw new DimeException(
                ErrorKind.InvalidArgument,
                $"Checking compares the full graph with the split graphs, but the manifest {model.ManifestPath} declares {(model.FullGraph is null ? "no full graph" : "no fusion head")}.",
                "graphs");
        }

        var full = await model.FullGraph.EvaluateGridAsync(images, texts, cancellationToken).ConfigureAwait(false);
        var split = await model.Split.EvaluateGridAsync(images, texts, cancellationToken).ConfigureAwait(false);
        var (absolute, relative) = Compare(full, split);
        return new ModelCheckResult(model.Name, model.Device.ToString(), images.Count, texts.Count, absolute, relative, tolerance, relative <= tolerance);
    }

    /// <summary>Largest absolute difference, and largest per-pair difference relative to the pair's largest |logit| in <paramref name="reference"/>.</summary>
    public static (double Absolute, double Relative) Compare(LogitGrid reference, LogitGrid other)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(other);
        if (reference.Values.Length != other.Values.Length)
        {
            throw new ArgumentException("The grids differ in size.", nameof(other));
        }

        double absolute = 0, relative = 0;
        for (var i = 0; i < reference.Images; i++)
        {
            for (var t = 0; t < reference.Texts; t++)
            {
                var a = reference.Row(i, t);
                var b = other.Row(i, t);
                double difference = 0, scale = 0;
                for (var l = 0; l < a.Length; l++)
                {
                    difference = Math.Max(difference, Math.Abs((double)a[l] - b[l]));
                    scale = Math.Max(scale, Math.Abs((double)a[l]));
                }

                absolute = Math.Max(absolute, difference);
                relative = Math.Max(relative, difference / Math.Max(scale, 1e-6));
            }
        }

        return (absolute, relative);
    }

    /// <summary>||a - b||2 / ||b||2 over all values.</summary>
    public static double RelativeL2(ReadOnlySpan<float> values, ReadOnlySpan<float> reference)
    {
        if (values.Length != reference.Length)
        {
            throw new ArgumentException("Different lengths.", nameof(reference));
        }

        double difference = 0, norm = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var d = (double)values[i] - reference[i];
            difference += d * d;
            norm += (double)reference[i] * reference[i];
        }

        return Math.Sqrt(difference) / Math.Max(Math.Sqrt(norm), 1e-30);
    }

    internal static RgbImage SyntheticImage(Random random, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        Span<byte> colour = stackalloc byte[3];
        random.NextBytes(colour);
        for (var p = 0; p < pixels.Length; p += 3)
        {
            colour.CopyTo(pixels.AsSpan(p, 3));
        }

        for (var shape = 0; shape < 4; shape++)
        {
            random.NextBytes(colour);
            var w = random.Next(2, Math.Max(3, width / 3));
            var h = random.Next(2, Math.Max(3, height / 3));
            var x0 = random.Next(0, width - w);
            var y0 = random.Next(0, height - h);
            for (var y = y0; y < y0 + h; y++)
            {
                for (var x = x0; x < x0 + w; x++)
                {
                    colour.CopyTo(pixels.AsSpan(((y * width) + x) * 3, 3));
                }
            }
        }

        return new RgbImage(width, height, pixels);
    }

    internal static IReadOnlyList<string> SyntheticTexts(LoadedModel model, Random random, int count)
    {
        var words = model.TextTokenizer.Words;
        var texts = new List<string> { string.Empty };
        if (model.Tokenizer.MaskToken is { } mask && words.Count > 0)
        {
            texts.Add($"{words[random.Next(words.Count)]} {mask} {words[random.Next(words.Count)]}");
        }

        while (texts.Count < count)
        {
            var length = random.Next(2, Math.Max(3, model.Tokenizer.MaxLength + 2));
            texts.Add(words.Count == 0 ? "text" : string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Count)])));
        }

        return texts;
    }
}
