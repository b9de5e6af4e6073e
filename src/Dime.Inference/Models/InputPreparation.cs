using System.Buffers;
using System.Runtime.ExceptionServices;
using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Text;

namespace Dime.Inference.Models;

/// <summary>Rendering, preprocessing and tokenizing, shared by the full graph and the split parts.</summary>
internal static class InputPreparation
{
    /// <summary>
    /// Parallel.For over [0, count) that rethrows the first failure as itself (a DimeException from rendering an
    /// image stays typed) instead of wrapping it in an AggregateException.
    /// </summary>
    public static void For(int count, CancellationToken cancellationToken, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>Renders image <paramref name="index"/> of the set and preprocesses it into <paramref name="destination"/>.</summary>
    public static void Preprocess(ImageSet images, int index, ImagePreprocessor preprocessor, Span<float> destination)
    {
        var width = images.WidthOf(index);
        var height = images.HeightOf(index);
        var length = checked(width * height * 3);
        var pixels = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            images.Render(index, pixels.AsSpan(0, length));
            preprocessor.Process(pixels.AsSpan(0, length), width, height, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    /// <summary>Token ids and attention masks of texts [start, start + count), MaxLength values each.</summary>
    public static (int[] Ids, int[] Mask) Tokenize(TextTokenizer tokenizer, IReadOnlyList<string> texts, int start, int count)
    {
        var length = tokenizer.MaxLength;
        var ids = new int[count * length];
        var mask = new int[count * length];
        for (var i = 0; i < count; i++)
        {
            tokenizer.Encode(texts[start + i], ids.AsSpan(i * length, length), mask.AsSpan(i * length, length));
        }

        return (ids, mask);
    }
}
