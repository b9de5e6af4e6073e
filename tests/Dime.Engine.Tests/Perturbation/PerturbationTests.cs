using Dime.Engine.Imaging;
using Dime.Engine.Perturbation;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Perturbation;

public sealed class PerturbationTests
{
    private static readonly RgbImage Image = Scenes.Pattern(40, 2);
    private static readonly ImageSegmentation Segments = Segmenter.Segment(Image, new SegmentationOptions { Method = SegmentationMethod.Slic, SlicSegments = 20 }, 0);

    public static TheoryData<HideMode> Modes => [HideMode.SegmentMean, HideMode.Constant, HideMode.Blur];

    [Theory]
    [MemberData(nameof(Modes))]
    public void Rendered_rows_equal_a_pixel_by_pixel_construction(HideMode mode)
    {
        var hiding = new ImageHiding(Image, Segments, mode, new RgbColor(1, 2, 3), 2);
        var rows = RowSampler.Image(30, Segments.Count, new Xoshiro256StarStar(4));
        var set = new PerturbedImageSet(hiding, rows, 5, 20);
        var rendered = new byte[Image.Pixels.Length];

        for (var i = 0; i < set.Count; i++)
        {
            set.Render(i, rendered);
            for (var p = 0; p < Image.PixelCount; p++)
            {
                var source = rows.IsOn(5 + i, Segments.LabelMap[p]) ? Image : hiding.Hidden;
                Assert.Equal(source.Pixels.AsSpan(p * 3, 3).ToArray(), rendered.AsSpan(p * 3, 3).ToArray());
            }
        }

        Assert.NotEqual(Image.Pixels, hiding.Hidden.Pixels);
    }

    [Fact]
    public void Segment_mean_colour_is_truncated_like_LIME_not_rounded()
    {
        var pixels = new byte[4 * 3];
        byte[] reds = [10, 11, 11, 11];
        for (var p = 0; p < 4; p++)
        {
            pixels[p * 3] = reds[p];
            pixels[(p * 3) + 1] = 255;
            pixels[(p * 3) + 2] = (byte)(p == 0 ? 1 : 0);
        }

        var image = new RgbImage(2, 2, pixels);
        var single = new ImageSegmentation(2, 2, [0, 0, 0, 0], 1, Segments.Parameters);

        var mean = ImageHiding.SegmentMeans(image, single)[0];

        Assert.Equal(new RgbColor(10, 255, 0), mean);
    }

    [Fact]
    public void Rendering_is_thread_safe()
    {
        var hiding = new ImageHiding(Image, Segments, HideMode.SegmentMean, default, 1);
        var rows = RowSampler.Image(64, Segments.Count, new Xoshiro256StarStar(9));
        var set = new PerturbedImageSet(hiding, rows, 0, 64);
        var sequential = Enumerable.Range(0, 64).Select(i => { var b = new byte[Image.Pixels.Length]; set.Render(i, b); return b; }).ToArray();
        var parallel = new byte[64][];
        Parallel.For(0, 64, i => { parallel[i] = new byte[Image.Pixels.Length]; set.Render(i, parallel[i]); });
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Segmentation_lists_every_pixel_once_in_ascending_order()
    {
        var seen = new bool[Segments.LabelMap.Length];
        for (var s = 0; s < Segments.Count; s++)
        {
            var pixels = Segments.PixelsOf(s).ToArray();
            Assert.Equal(pixels.Order(), pixels);
            Assert.All(pixels, p => Assert.Equal(s, Segments.LabelMap[p]));
            Assert.All(pixels, p => seen[p] = true);
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void Text_splits_and_removes_words_like_LIME_IndexedString()
    {
        foreach (var fixture in Fixture.Json("lime_text.json").EnumerateArray())
        {
            var text = new IndexedText(fixture.GetProperty("text").GetString()!, TextFeatureMode.BagOfWords);
            Assert.Equal(fixture.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()), text.Tokens);
            Assert.Equal(fixture.GetProperty("words").EnumerateArray().Select(e => e.GetString()), text.Features);
            Assert.Equal(fixture.GetProperty("positions").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetInt32()).ToArray()), text.FeaturePositions);
            var z = Enumerable.Repeat((byte)1, text.FeatureCount).ToArray();
            foreach (var removed in fixture.GetProperty("remove").EnumerateArray())
            {
                z[removed.GetInt32()] = 0;
            }

            Assert.Equal(fixture.GetProperty("deleted").GetString(), text.Render(z, null));
            Assert.Equal(fixture.GetProperty("masked").GetString(), text.Render(z, "[MASK]"));
            Assert.Equal(text.Text, string.Concat(text.Tokens));
        }
    }

    [Fact]
    public void Positional_features_are_one_per_word_occurrence()
    {
        var text = new IndexedText("is it red or is it blue", TextFeatureMode.Positions);

        Assert.Equal(["is", "it", "red", "or", "is", "it", "blue"], text.Features);
        var z = new byte[] { 0, 1, 1, 1, 1, 1, 1 };
        Assert.Equal(" it red or is it blue", text.Render(z, null));
        Assert.Equal(-1, text.TokenFeature[1]);
    }
}
