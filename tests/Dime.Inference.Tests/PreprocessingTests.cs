using System.Text.Json;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;

namespace Dime.Inference.Tests;

/// <summary>The C# resize and normalisation against PyTorch's F.interpolate (Fixtures/resize_reference.json).</summary>
public sealed class PreprocessingTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var mode in new[] { "area", "bilinear", "nearest" })
        {
            for (var i = 0; i < ReferenceCases.Value.Count; i++)
            {
                data.Add(mode, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resize_matches_pytorch(string mode, int index)
    {
        var reference = ReferenceCases.Value[index];
        var resize = mode switch { "area" => ResizeMode.Area, "bilinear" => ResizeMode.Bilinear, _ => ResizeMode.Nearest };
        var preprocessor = new ImagePreprocessor(new PreprocessSpec(reference.OutWidth, reference.OutHeight, resize, ChannelOrder.Rgb, 1f / 255f, [0f, 0f, 0f], [1f, 1f, 1f], TensorLayout.Nchw));
        var output = new float[preprocessor.OutputLength];

        preprocessor.Process(reference.Pixels.Select(p => (byte)p).ToArray(), reference.Width, reference.Height, output);

        var expected = mode switch { "area" => reference.Area, "bilinear" => reference.Bilinear, _ => reference.Nearest };
        Assert.Equal(expected.Length, output.Length);
        for (var i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 2e-6, $"{mode} {reference.Width}x{reference.Height} -> {reference.OutWidth}x{reference.OutHeight}: value {i} is {output[i]}, PyTorch {expected[i]}");
        }
    }

    [Fact]
    public void Channel_order_layout_and_normalisation_are_applied()
    {
        // 2x1 image: (10, 20, 30) and (40, 50, 60); no resize
        byte[] pixels = [10, 20, 30, 40, 50, 60];
        var spec = new PreprocessSpec(2, 1, ResizeMode.Bilinear, ChannelOrder.Bgr, 0.5f, [1f, 2f, 3f], [2f, 4f, 8f], TensorLayout.Nhwc);
        var output = new float[6];

        new ImagePreprocessor(spec).Process(pixels, 2, 1, output);

        // per pixel B, G, R: (v * 0.5 - mean) / std of that colour channel
        float[] expected = [(15f - 3f) / 8f, (10f - 2f) / 4f, (5f - 1f) / 2f, (30f - 3f) / 8f, (25f - 2f) / 4f, (20f - 1f) / 2f];
        Assert.Equal(expected, output);

        var nchw = new float[6];
        new ImagePreprocessor(spec with { Layout = TensorLayout.Nchw, ChannelOrder = ChannelOrder.Rgb }).Process(pixels, 2, 1, nchw);
        Assert.Equal(new[] { (5f - 1f) / 2f, (20f - 1f) / 2f, (10f - 2f) / 4f, (25f - 2f) / 4f, (15f - 3f) / 8f, (30f - 3f) / 8f }, nchw);
    }

    [Fact]
    public void Area_of_an_exact_factor_is_the_box_mean()
    {
        // 4x2 -> 2x1: each output averages a 2x2 box
        byte[] pixels = new byte[4 * 2 * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7);
        }

        var output = new float[6];
        new ImagePreprocessor(new PreprocessSpec(2, 1, ResizeMode.Area, ChannelOrder.Rgb, 1f, [0f, 0f, 0f], [1f, 1f, 1f], TensorLayout.Nchw)).Process(pixels, 4, 2, output);

        float Box(int x0, int c) => (pixels[(x0 * 3) + c] + pixels[((x0 + 1) * 3) + c] + pixels[12 + (x0 * 3) + c] + pixels[12 + ((x0 + 1) * 3) + c]) / 4f;
        Assert.Equal(new[] { Box(0, 0), Box(2, 0), Box(0, 1), Box(2, 1), Box(0, 2), Box(2, 2) }, output);
    }

    private static readonly Lazy<IReadOnlyList<ResizeCase>> ReferenceCases = new(() =>
        JsonSerializer.Deserialize<ResizeCase[]>(
            File.ReadAllText(Path.Combine(TestPaths.Fixtures, "resize_reference.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!);

    private sealed record ResizeCase(int Width, int Height, int OutWidth, int OutHeight, int[] Pixels, float[] Area, float[] Bilinear, float[] Nearest);
}
