using System.Buffers;
using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Text;

namespace Dime.Inference.Models;

/// <summary>Rendering, preprocessing and tokenizing, shared by the full graph and the split parts.</summary>
internal static class InputPreparation
{
    public static ParallelOptions Parallel(CancellationToken cancellationToken) => new()
    {
        CancellationToken = cancellationToken,
        MaxDegreeOfParallelism = Environment.ProcessorCount,
    };

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
