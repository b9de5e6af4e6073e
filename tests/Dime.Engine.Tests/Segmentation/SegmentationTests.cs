using Dime.Engine.Errors;
using Dime.Engine.Imaging;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Dime.Engine.Tests.Segmentation;

public sealed class SegmentationTests(ITestOutputHelper output)
{
    /// <summary>A mini-CLEVR-like scene: flat grey floor, a few flat shapes.</summary>
    private static RgbImage Scene(int size)
    {
        var image = Scenes.Filled(size, new RgbColor(120, 120, 125));
        image = Scenes.WithPatch(image, size / 8, size / 5, size / 5, Scenes.Red);
        image = Scenes.WithPatch(image, size / 2, size / 2, size / 4, new RgbColor(30, 60, 200));
        return Scenes.WithPatch(image, size * 3 / 4, size / 8, size / 6, new RgbColor(40, 170, 60));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(96)]
    [InlineData(128)]
    [InlineData(160)]
    public void Auto_gives_small_images_20_to_80_segments_where_LIME_quickshift_gives_a_handful(int size)
    {
        var image = Scene(size);

        var auto = Segmenter.Segment(image, new SegmentationOptions(), 7);
        var lime = Segmenter.Segment(image, new SegmentationOptions { Method = SegmentationMethod.Quickshift }, 7);

        output.WriteLine($"{size}px: auto ({auto.Parameters.Method}) {auto.Count} segments, LIME quickshift {lime.Count}");
        Assert.Equal(SegmentationMethod.Slic, auto.Parameters.Method);
        Assert.InRange(auto.Count, 20, 80);
        if (size < 128)
        {
            Assert.True(lime.Count < 20);
        }
    }

    [Fact]
    public void Auto_keeps_LIME_quickshift_for_images_of_200_px_and_more()
    {
        var image = Scenes.Pattern(200, 1);

        var auto = Segmenter.Segment(image, new SegmentationOptions(), 42);

        Assert.Equal(SegmentationMethod.Quickshift, auto.Parameters.Method);
        Assert.Equal(42, auto.Parameters.QuickshiftSeed);
        Assert.Equal(auto.LabelMap, Segmenter.Reproduce(image, auto.Parameters).LabelMap);
    }

    [Fact]
    public void Slic_segments_are_connected()
    {
        var image = Scenes.Pattern(90, 4);
        var segmentation = Segmenter.Segment(image, new SegmentationOptions { Method = SegmentationMethod.Slic, SlicSegments = 40 }, 0);

        for (var s = 0; s < segmentation.Count; s++)
        {
            var pixels = segmentation.PixelsOf(s).ToArray();
            var reached = new HashSet<int> { pixels[0] };
            var queue = new Queue<int>([pixels[0]]);
            while (queue.TryDequeue(out var p))
            {
                foreach (var q in new[] { p - 1, p + 1, p - 90, p + 90 })
                {
                    if (q >= 0 && q < 8100 && Math.Abs((q % 90) - (p % 90)) <= 1 && segmentation.LabelMap[q] == s && reached.Add(q))
                    {
                        queue.Enqueue(q);
                    }
                }
            }

            Assert.Equal(pixels.Length, reached.Count);
        }

        Assert.InRange(segmentation.Count, 25, 60);
    }

    [Fact]
    public void Grid_cells_cover_the_image_evenly()
    {
        var segmentation = Segmenter.Segment(Scenes.Pattern(30, 0), new SegmentationOptions { Method = SegmentationMethod.Grid, GridRows = 3, GridColumns = 5 }, 0);

        Assert.Equal(15, segmentation.Count);
        Assert.All(Enumerable.Range(0, 15), s => Assert.Equal(60, segmentation.PixelsOf(s).Length));
        Assert.Equal(6, segmentation.LabelMap[(15 * 30) + 7]);
    }

    [Fact]
    public void Bad_parameters_are_rejected_with_a_typed_error()
    {
        var error = Assert.Throws<DimeException>(() => Segmenter.Segment(Scenes.Pattern(10, 0), new SegmentationOptions { KernelSize = 0 }, 0));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }
}
