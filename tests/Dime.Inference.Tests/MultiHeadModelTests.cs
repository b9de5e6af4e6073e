using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Checking;
using Dime.Inference.Imaging;
using Xunit.Abstractions;

namespace Dime.Inference.Tests;

/// <summary>
/// The MDETR-signature fixture (Fixtures/mdetr, made by make_mdetr.py with PyTorch): a backbone that reads the image
/// at its own size (dynamic height and width, "resize": "none"), a text encoder, and a transformer whose three answer
/// heads (binary, 15 attributes, 20 counts) the manifest assembles into one 37-column label space, "no" being -1 x "yes".
/// </summary>
public sealed class MultiHeadModelTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "mdetr");

    private static readonly string[] Questions = ["is there a red cube?", "what color is the large sphere", "how many cylinders are there?"];

    [Fact]
    public void Three_heads_make_one_label_space_of_37_columns()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);

        Assert.Equal(37, model.Labels.Count);
        Assert.Equal(["yes", "no", "gray"], model.Labels.Take(3));
        Assert.Equal("19", model.Labels[^1]);
        Assert.Equal("image", model.GraphSides["backbone"]);
        Assert.Equal("text", model.GraphSides["textEncoder"]);
        Assert.Equal("pair", model.GraphSides["transformer"]);
        Assert.Empty(model.Warnings);
    }

    [Fact]
    public async Task Logits_equal_PyTorch_on_unresized_images_with_no_as_minus_yes()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        var pairs = reference.RootElement.GetProperty("pairs").EnumerateArray().ToList();
        var images = new ImageList([.. pairs.Select(p => Image(p.GetProperty("image").GetString()!))]);
        var texts = pairs.Select(p => p.GetProperty("question").GetString()!).ToList();

        var grid = await model.Split!.EvaluateGridAsync(images, texts, CancellationToken.None);
        var predicted = await model.PredictAsync(images, texts, CancellationToken.None);

        var worst = 0.0;
        for (var p = 0; p < pairs.Count; p++)
        {
            var expected = pairs[p].GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(37, expected.Length);
            Assert.Equal(-grid.Row(p, p)[0], grid.Row(p, p)[1]);
            for (var l = 0; l < expected.Length; l++)
            {
                worst = Math.Max(worst, Math.Abs(grid.Row(p, p)[l] - expected[l]));
                worst = Math.Max(worst, Math.Abs(predicted.Row(p)[l] - expected[l]));
            }
        }

        output.WriteLine($"MDETR-signature: largest |DIME - PyTorch| logit difference {worst:E2} over {pairs.Count} pairs x 37 labels");
        Assert.True(worst <= 1e-4, $"largest difference from PyTorch: {worst:E2}");
    }

    [Fact]
    public async Task The_split_heads_equal_the_full_graph_heads()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        var images = new ImageList([Image("image_a.png"), Image("image_b.png"), Image("image_c.png")]);

        var check = await ModelChecker.CheckAsync(model, images, [.. Questions, string.Empty], 1e-5, CancellationToken.None);

        output.WriteLine(check.ToString());
        Assert.True(check.Passed, check.ToString());
    }

    [Fact]
    public async Task An_image_of_another_size_is_a_clear_error_and_the_model_stays_usable()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);

        var error = await Assert.ThrowsAsync<DimeException>(() => model.Split!.EvaluateGridAsync(new ImageList([Image("wrong_size.png")]), Questions, CancellationToken.None));
        var fine = await model.Split!.EvaluateGridAsync(new ImageList([Image("image_a.png")]), Questions, CancellationToken.None);

        Assert.Equal(ErrorKind.ImageUnsupported, error.Kind);
        Assert.Contains("48x32; this image is 50x32", error.Message, StringComparison.Ordinal);
        Assert.True(float.IsFinite(fine.Row(0, 0)[0]));
    }

    [Fact]
    public async Task An_explanation_over_the_assembled_label_space_decomposes_M_into_UC_plus_MI()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        var reference = new ReferenceSet(new ImageList([Image("image_a.png"), Image("image_b.png")]), Questions[..2]);
        var instance = new ExplainInstance(Image("image_c.png"), Questions[2], "instance");
        var options = new ExplainOptions { ImageSamples = 30, TextSamples = 30, Seed = 8, Labels = [0, 1, 20], TextFeatureSelection = FeatureSelection.None };

        var prepared = await PreparedReference.PrepareAsync(model.Model, reference, null, CancellationToken.None);
        var explanation = await DimeExplainer.ExplainAsync(model.Model, instance, prepared, options, null, CancellationToken.None);

        foreach (var label in explanation.Image!.Labels.Concat(explanation.Text!.Labels))
        {
            for (var j = 0; j < label.M.Weights.Length; j++)
            {
                Assert.Equal(label.M.Weights[j], label.UC.Weights[j] + label.MI.Weights[j], 1e-6);
            }
        }

        // "no" is -1 x "yes": so are its values at the instance
        Assert.Equal(-explanation.Instance.F[0], explanation.Instance.F[1], 1e-6);
        Assert.Equal(-explanation.Instance.MI[0], explanation.Instance.MI[1], 1e-6);
    }

    [Theory]
    [InlineData("column", "logits[2]", "takes column 15 of 'transformer.answer_attr'")]
    [InlineData("image-only", "logits[3]", "depends on the image only")]
    [InlineData("count", "labels", "the 4 logit parts give 36 values per row")]
    public void Logit_parts_that_do_not_fit_name_the_field(string broken, string field, string message)
    {
        using var folder = ModelFolder.CopyOf(Folder);
        folder.EditManifest(m =>
        {
            var parts = m["logits"]!.AsArray();
            switch (broken)
            {
                case "column":
                    parts[2] = JsonNode.Parse("""{"output": "transformer.answer_attr", "columns": [0, 15]}""");
                    m["labels"]!.AsArray().RemoveRange(4, 13);
                    break;
                case "image-only":
                    parts[3] = "backbone.image_tokens";
                    break;
                case "count":
                    parts[2] = JsonNode.Parse("""{"output": "transformer.answer_attr", "columns": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}""");
                    break;
            }
        });

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal(field, error.Subject);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"output": "transformer.answer_binary", "scale": 0}]""", "logits[0].scale", "must not be 0")]
    [InlineData("""[{"output": "transformer.answer_binary", "columns": []}]""", "logits[0].columns", "non-empty")]
    [InlineData("""[]""", "logits", "lists no part")]
    [InlineData("""[{"columns": [0]}]""", "logits[0].output", "is missing")]
    public void Malformed_logit_parts_are_manifest_errors(string logits, string field, string message)
    {
        using var folder = ModelFolder.CopyOf(Folder);
        folder.EditManifest(m => m["logits"] = JsonNode.Parse(logits));

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal(field, error.Subject);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unresized_image_larger_than_the_pixel_limit_is_refused()
    {
        using var folder = ModelFolder.CopyOf(Folder);
        folder.EditManifest(m =>
        {
            m["image"]!["width"] = 1280;
            m["image"]!["height"] = 960;
        });

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("image.width", error.Subject);
        Assert.Contains("1,000,000 pixels", error.Message, StringComparison.Ordinal);
    }

    private static RgbImage Image(string name) => ImageLoader.Load(Path.Combine(Folder, name));
}
