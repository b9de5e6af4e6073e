using Dime.Engine.Errors;
using Dime.Engine.Models;
using Dime.Inference.Checking;

namespace Dime.Inference.Tests;

/// <summary>
/// A graph whose image input leaves height and width open takes the manifest's size; one image's tensor must fit the
/// inference memory budget, checked before anything of that size is allocated (issue 14: 16384 x 16384 killed the process).
/// </summary>
public sealed class TensorLimitTests
{
    [Fact]
    public async Task A_dynamic_image_encoder_takes_the_manifest_size()
    {
        using var folder = DynamicImageModel(width: 40, height: 30);
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        var logits = await model.PredictAsync(new ImageList([ModelChecker.SyntheticImage(new Random(3), 50, 20)]), ["is there a red cube"], CancellationToken.None);

        Assert.Equal((40, 30), (model.ImageWidth, model.ImageHeight));
        Assert.Equal(4, logits.Labels);
        Assert.All(logits.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_16384_square_image_on_a_dynamic_graph_is_refused_before_it_is_allocated()
    {
        using var folder = DynamicImageModel(width: 16384, height: 16384);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu).Dispose());

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("image.width", error.Subject);
        Assert.Contains("the limit is 256 MiB per image", error.Message, StringComparison.Ordinal);
        Assert.Contains("3072 MiB", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64L << 20, $"{allocated >> 20} MiB allocated before the refusal");
    }

    [Fact]
    public void The_limit_follows_the_memory_budget()
    {
        using var folder = DynamicImageModel(width: 1024, height: 1024);

        // 3 x 1024 x 1024 float32 is 12 MiB: within the default budget, over a budget of 8 MiB
        using (OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu))
        {
        }

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu, new InferenceOptions { MemoryBudgetBytes = 8L << 20 }).Dispose());
        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Contains("the limit is 8 MiB per image", error.Message, StringComparison.Ordinal);
    }

    private static ModelFolder DynamicImageModel(int width, int height) => ModelFolder.Toy(m =>
    {
        m["graphs"]!.AsObject().Remove("full");
        m["graphs"]!["imageEncoder"] = ModelFolder.Graph("image_encoder_dynamic.onnx", "image_features", ("image", "image"));
        m["image"]!["width"] = width;
        m["image"]!["height"] = height;
    });
}
