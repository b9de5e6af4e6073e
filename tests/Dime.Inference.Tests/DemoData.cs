using System.Text.Json;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Imaging;

namespace Dime.Inference.Tests;

/// <summary>One line of demo/dataset/samples.jsonl.</summary>
internal sealed record DemoSample(string Id, string Image, string Question, string Answer, string Type);

/// <summary>The committed demo samples, loaded once per test run.</summary>
internal static class DemoData
{
    private static readonly Lazy<IReadOnlyList<DemoSample>> LazySamples = new(Load);
    private static readonly Lazy<IReadOnlyList<RgbImage>> LazyImages = new(() =>
        Samples.Select(s => ImageLoader.Load(Path.Combine(TestPaths.Demo, "dataset", s.Image))).ToArray());

    public static IReadOnlyList<DemoSample> Samples => LazySamples.Value;

    public static IReadOnlyList<RgbImage> Images => LazyImages.Value;

    public static ImageList ImagesOf(IEnumerable<int> indices) => new(indices.Select(i => Images[i]).ToArray());

    private static IReadOnlyList<DemoSample> Load()
    {
        var file = Path.Combine(TestPaths.Demo, "dataset", "samples.jsonl");
        Assert.True(File.Exists(file), $"The demo dataset is missing at {file}.");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return File.ReadLines(file)
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<DemoSample>(line, options)!)
            .ToArray();
    }
}
