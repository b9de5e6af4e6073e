namespace Dime.Engine.Models;

/// <summary>E1: images to fixed-length feature vectors. A model without an image encoder uses one that
/// only preprocesses, so the fusion head takes the raw image.</summary>
public interface IImageEncoder
{
    int FeatureLength { get; }

    /// <summary>Encodes images [start, start + count) into <paramref name="features"/> (count * FeatureLength values).</summary>
    Task EncodeAsync(ImageSet images, int start, int count, Memory<float> features, CancellationToken cancellationToken);
}

/// <summary>E2: texts to fixed-length feature vectors (or, without a text encoder, to token ids).</summary>
public interface ITextEncoder
{
    int FeatureLength { get; }

    Task EncodeAsync(IReadOnlyList<string> texts, int start, int count, Memory<float> features, CancellationToken cancellationToken);
}

/// <summary>H: logits for every pair of already encoded images and texts.</summary>
public interface IFusionHead
{
    IReadOnlyList<string> Labels { get; }

    /// <summary>
    /// <paramref name="imageFeatures"/> holds images x E1.FeatureLength values, <paramref name="textFeatures"/> texts x E2.FeatureLength;
    /// writes images x texts x labels logits, laid out like <see cref="LogitGrid"/>.
    /// </summary>
    Task FuseGridAsync(ReadOnlyMemory<float> imageFeatures, int images, ReadOnlyMemory<float> textFeatures, int texts, Memory<float> logits, CancellationToken cancellationToken);

    /// <summary>
    /// H(image imageOf[p], text textOf[p]) for each pair p, written [pair, label]. The default fuses one 1 x 1 grid per
    /// pair; heads that batch arbitrary pairs override it.
    /// </summary>
    async Task FusePairsAsync(ReadOnlyMemory<float> imageFeatures, int imageLength, ReadOnlyMemory<float> textFeatures, int textLength, int[] imageOf, int[] textOf, Memory<float> logits, CancellationToken cancellationToken)
    {
        var labels = Labels.Count;
        for (var p = 0; p < imageOf.Length; p++)
        {
            await FuseGridAsync(
                imageFeatures.Slice(imageOf[p] * imageLength, imageLength), 1, textFeatures.Slice(textOf[p] * textLength, textLength), 1,
                logits.Slice(p * labels, labels), cancellationToken).ConfigureAwait(false);
        }
    }
}
