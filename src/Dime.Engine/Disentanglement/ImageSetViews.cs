using Dime.Engine.Models;

namespace Dime.Engine.Disentanglement;

/// <summary>Images [start, start + count) of another set, keys included.</summary>
internal sealed class ImageSetRange(ImageSet source, int start, int count) : ImageSet
{
    public override int Count => count;

    public override int WidthOf(int index) => source.WidthOf(start + index);

    public override int HeightOf(int index) => source.HeightOf(start + index);

    public override void Render(int index, Span<byte> destination) => source.Render(start + index, destination);

    public override string? CacheKey(int index) => source.CacheKey(start + index);
}

/// <summary>One set followed by another.</summary>
internal sealed class ConcatenatedImageSet(ImageSet first, ImageSet second) : ImageSet
{
    public override int Count => first.Count + second.Count;

    public override int WidthOf(int index) => index < first.Count ? first.WidthOf(index) : second.WidthOf(index - first.Count);

    public override int HeightOf(int index) => index < first.Count ? first.HeightOf(index) : second.HeightOf(index - first.Count);

    public override void Render(int index, Span<byte> destination)
    {
        if (index < first.Count)
        {
            first.Render(index, destination);
        }
        else
        {
            second.Render(index - first.Count, destination);
        }
    }

    public override string? CacheKey(int index) => index < first.Count ? first.CacheKey(index) : second.CacheKey(index - first.Count);
}

/// <summary>The images of another set at the given indices, keys included.</summary>
internal sealed class ImageSubset(ImageSet source, int[] indices) : ImageSet
{
    public override int Count => indices.Length;

    public override int WidthOf(int index) => source.WidthOf(indices[index]);

    public override int HeightOf(int index) => source.HeightOf(indices[index]);

    public override void Render(int index, Span<byte> destination) => source.Render(indices[index], destination);

    public override string? CacheKey(int index) => source.CacheKey(indices[index]);
}
