using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Models;

public sealed class SplitModelTests
{
    /// <summary>E1: mean R, G, B; E2: length and vowel count; H: two logits mixing both.</summary>
    private sealed class CountingImageEncoder : IImageEncoder
    {
        public int Encoded;

        public int FeatureLength => 3;

        public Task EncodeAsync(ImageSet images, int start, int count, Memory<float> features, CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                Interlocked.Increment(ref Encoded);
                var pixels = new byte[images.WidthOf(start + i) * images.HeightOf(start + i) * 3];
                images.Render(start + i, pixels);
                for (var ch = 0; ch < 3; ch++)
                {
                    features.Span[(i * 3) + ch] = (float)pixels.Where((_, p) => p % 3 == ch).Average(b => b) / 255f;
                }
            }

            return Task.CompletedTask;
        }
    }

    private sealed class CountingTextEncoder : ITextEncoder
    {
        public int Encoded;

        public int FeatureLength => 2;

        public Task EncodeAsync(IReadOnlyList<string> texts, int start, int count, Memory<float> features, CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                Interlocked.Increment(ref Encoded);
                features.Span[i * 2] = texts[start + i].Length;
                features.Span[(i * 2) + 1] = texts[start + i].Count(ch => "aeiou".Contains(ch));
            }

            return Task.CompletedTask;
        }
    }

    private sealed class Fusion : IFusionHead
    {
        public IReadOnlyList<string> Labels => ["p", "q"];

        public Task FuseGridAsync(ReadOnlyMemory<float> imageFeatures, int images, ReadOnlyMemory<float> textFeatures, int texts, Memory<float> logits, CancellationToken cancellationToken)
        {
            for (var i = 0; i < images; i++)
            {
                for (var j = 0; j < texts; j++)
                {
                    var (logit0, logit1) = Head(imageFeatures.Span.Slice(i * 3, 3), textFeatures.Span.Slice(j * 2, 2));
                    logits.Span[((i * texts) + j) * 2] = logit0;
                    logits.Span[(((i * texts) + j) * 2) + 1] = logit1;
                }
            }

            return Task.CompletedTask;
        }

        public static (float, float) Head(ReadOnlySpan<float> image, ReadOnlySpan<float> text) =>
            ((image[0] * text[0]) - image[2], (image[1] * text[1]) + (0.1f * text[0]));
    }

    private static (float, float) Direct(RgbImage image, string text)
    {
        var encoder = new CountingImageEncoder();
        var features = new float[3];
        encoder.EncodeAsync(new ImageList([image]), 0, 1, features, CancellationToken.None).Wait();
        var textFeatures = new float[] { text.Length, text.Count(ch => "aeiou".Contains(ch)) };
        return Fusion.Head(features, textFeatures);
    }

    [Fact]
    public async Task Split_model_gives_the_pairwise_grid_and_encodes_keyed_inputs_once()
    {
        var images = Enumerable.Range(0, 4).Select(i => Scenes.Pattern(8, i)).ToArray();
        var keyed = new ImageList(images, ["a", "b", "c", "d"]);
        string[] texts = ["what color", "is it red", "how many", "what color"];
        var imageEncoder = new CountingImageEncoder();
        var textEncoder = new CountingTextEncoder();
        var model = new SplitModel(imageEncoder, textEncoder, new Fusion());

        var grid = await model.EvaluateGridAsync(keyed, texts, CancellationToken.None);
        for (var i = 0; i < images.Length; i++)
        {
            for (var j = 0; j < texts.Length; j++)
            {
                var (p, q) = Direct(images[i], texts[j]);
                Assert.Equal(p, grid[i, j, 0], 1e-5f);
                Assert.Equal(q, grid[i, j, 1], 1e-5f);
            }
        }

        Assert.Equal(4, imageEncoder.Encoded);
        Assert.Equal(3, textEncoder.Encoded);

        var again = await model.EvaluateGridAsync(keyed, texts, CancellationToken.None);
        Assert.Equal(grid.Values, again.Values);
        Assert.Equal(4, imageEncoder.Encoded);
        Assert.Equal(3, textEncoder.Encoded);

        await model.EvaluateGridAsync(new ImageList(images), ["new text"], CancellationToken.None);
        Assert.Equal(8, imageEncoder.Encoded);
        Assert.Equal(4, textEncoder.Encoded);
    }

    [Fact]
    public async Task A_full_cache_keeps_the_inputs_every_call_brings()
    {
        var reference = Enumerable.Range(0, 3).Select(i => Scenes.Pattern(8, i)).ToArray();
        var keyed = new ImageList(reference, ["r0", "r1", "r2"]);
        var imageEncoder = new CountingImageEncoder();
        var textEncoder = new CountingTextEncoder();
        var model = new SplitModel(imageEncoder, textEncoder, new Fusion(), cachedEncodings: 8);

        // the reference texts in every call, with a stream of new (perturbed) texts far larger than the cache
        for (var call = 0; call < 20; call++)
        {
            await model.EvaluateGridAsync(keyed, ["q0", "q1", "q2", $"perturbed {call} a", $"perturbed {call} b"], CancellationToken.None);
        }

        Assert.Equal(3, imageEncoder.Encoded);
        Assert.Equal(3 + (20 * 2), textEncoder.Encoded);
    }
}
