using Dime.Engine.Imaging;

namespace Dime.Engine.Models;

/// <summary>
/// Images that a model reads on demand. Perturbation sets render each image when the model asks for it,
/// so thousands of perturbed images never sit in memory at once. Implementations must allow
/// <see cref="Render"/> to be called from several threads at once.
/// </summary>
public abstract class ImageSet
{
    public abstract int Count { get; }

    public abstract int WidthOf(int index);

    public abstract int HeightOf(int index);

    /// <summary>Writes image <paramref name="index"/> as interleaved RGB bytes (WidthOf * HeightOf * 3).</summary>
    public abstract void Render(int index, Span<byte> destination);

    /// <summary>A stable identity of the image for caching encoder outputs; null for one-off images such as perturbations.</summary>
    public virtual string? CacheKey(int index) => null;
}

/// <summary>A fixed list of images, optionally with cache keys (the instance, a reference set).</summary>
public sealed class ImageList : ImageSet
{
    private readonly IReadOnlyList<RgbImage> _images;
    private readonly IReadOnlyList<string?>? _keys;

    public ImageList(IReadOnlyList<RgbImage> images, IReadOnlyList<string?>? keys = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (keys is not null && keys.Count != images.Count)
        {
            throw new ArgumentException("One key per image, or none.", nameof(keys));
        }

        _images = images;
        _keys = keys;
    }

    public override int Count => _images.Count;

    public RgbImage this[int index] => _images[index];

    public override int WidthOf(int index) => _images[index].Width;

    public override int HeightOf(int index) => _images[index].Height;

    public override void Render(int index, Span<byte> destination) => _images[index].Pixels.CopyTo(destination);

    public override string? CacheKey(int index) => _keys?[index];
}
