using System.IO.Compression;
using System.Text.Json;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Xunit.Abstractions;

namespace Dime.Inference.Tests;

/// <summary>
/// The pil-* resize modes against Pillow itself (Fixtures/pil_resize, made by make_pil_resize.py with Debian's
/// python3-pil): every filter, down- and up-scaling, odd aspect ratios, one axis only.
/// </summary>
public sealed class PillowResizeTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "pil_resize");

    public static TheoryData<string> Filters() => ["nearest", "box", "bilinear", "hamming", "bicubic", "lanczos"];

    [Theory]
    [MemberData(nameof(Filters))]
    public void Bytes_match_Pillow_on_at_least_99_percent_and_never_differ_by_more_than_one_level(string filter)
    {
        var (cases, blob) = Load();
        long equal = 0, total = 0;
        var worst = 0;
        foreach (var c in cases.Where(c => c.Filter == filter))
        {
            var source = ImageLoader.Load(Path.Combine(Folder, c.Source));
            var ours = PillowResize.Resize(source.Pixels, source.Width, source.Height, c.Width, c.Height, Parse(filter));
            var expected = blob.AsSpan(c.Offset, c.Width * c.Height * 3);
            Assert.Equal(expected.Length, ours.Length);
            var caseEqual = 0;
            for (var i = 0; i < ours.Length; i++)
            {
                var difference = Math.Abs(ours[i] - expected[i]);
                worst = Math.Max(worst, difference);
                caseEqual += difference == 0 ? 1 : 0;
            }

            output.WriteLine($"{filter} {c.Source} -> {c.Width}x{c.Height}: {caseEqual}/{ours.Length} equal");
            equal += caseEqual;
            total += ours.Length;
        }

        output.WriteLine($"{filter}: {equal}/{total} values equal ({100.0 * equal / total:F3}%), largest difference {worst}");
        Assert.True(total > 0);
        Assert.True(equal >= 0.99 * total, $"{filter}: only {equal}/{total} values equal Pillow's");
        Assert.True(worst <= 1, $"{filter}: a value differs from Pillow's by {worst}");
    }

    [Fact]
    public void The_preprocessor_normalises_Pillow_bicubic_bytes()
    {
        var (cases, blob) = Load();
        var c = cases.First(c => c.Filter == "bicubic" && c.Source.StartsWith("noise", StringComparison.Ordinal) && c.Width == 48);
        var source = ImageLoader.Load(Path.Combine(Folder, c.Source));
        var spec = new PreprocessSpec(c.Width, c.Height, ResizeMode.PilBicubic, ChannelOrder.Rgb, 1f / 255f, [0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.5f], TensorLayout.Nchw);
        var tensor = new float[3 * c.Width * c.Height];

        new ImagePreprocessor(spec).Process(source.Pixels, source.Width, source.Height, tensor);

        var plane = c.Width * c.Height;
        var mismatches = 0;
        for (var p = 0; p < plane; p++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                var expected = ((blob[c.Offset + (p * 3) + channel] / 255f) - spec.Mean[channel]) / spec.Std[channel];
                mismatches += Math.Abs(tensor[(channel * plane) + p] - expected) < 1e-5f ? 0 : 1;
            }
        }

        Assert.True(mismatches <= 0.01 * 3 * plane, $"{mismatches} of {3 * plane} values differ from Pillow's bytes normalised");
    }

    [Fact]
    public void Same_size_is_a_copy()
    {
        var pixels = Enumerable.Range(0, 5 * 4 * 3).Select(i => (byte)(i * 7)).ToArray();

        Assert.Equal(pixels, PillowResize.Resize(pixels, 5, 4, 5, 4, PillowFilter.Lanczos));
    }

    private static PillowFilter Parse(string filter) => Enum.Parse<PillowFilter>(filter, ignoreCase: true);

    private static (List<Case> Cases, byte[] Blob) Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("source").GetString()!,
            c.GetProperty("filter").GetString()!,
            c.GetProperty("width").GetInt32(),
            c.GetProperty("height").GetInt32(),
            c.GetProperty("offset").GetInt32())).ToList();
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(Folder, "resized.bin.gz")), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return (cases, bytes.ToArray());
    }

    private sealed record Case(string Source, string Filter, int Width, int Height, int Offset);
}
