using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Engine.Errors;
using Dime.Engine.Models;
using Dime.Inference.Checking;
using Dime.Inference.Imaging;

namespace Dime.Inference.Tests;

/// <summary>
/// Integer tensors between wired graphs (Fixtures/int_wiring, made by make_int_wiring.py with PyTorch): a selector
/// graph returns int64 top-k indices that a head graph embeds together with the question's tokens.
/// </summary>
public sealed class IntegerWiringTests
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "int_wiring");

    [Fact]
    public async Task An_int64_output_feeds_the_next_graph_and_the_logits_equal_PyTorch()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        var pairs = reference.RootElement.GetProperty("pairs").EnumerateArray().ToList();
        var images = new ImageList([.. pairs.Select(p => ImageLoader.Load(Path.Combine(Folder, p.GetProperty("image").GetString()!)))]);
        var texts = pairs.Select(p => p.GetProperty("question").GetString()!).ToList();

        var grid = await model.Split!.EvaluateGridAsync(images, texts, CancellationToken.None);
        var predicted = await model.PredictAsync(images, texts, CancellationToken.None);

        Assert.Equal("image", model.GraphSides["selector"]);
        Assert.Equal("pair", model.GraphSides["head"]);
        for (var p = 0; p < pairs.Count; p++)
        {
            var expected = pairs[p].GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            for (var l = 0; l < expected.Length; l++)
            {
                Assert.Equal(expected[l], grid.Row(p, p)[l], 1e-5);
                Assert.Equal(expected[l], predicted.Row(p)[l], 1e-5);
            }
        }
    }

    [Fact]
    public async Task The_composition_with_integer_indices_equals_the_full_graph()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        // the checker's own synthetic inputs, at the model's size ("resize": "none")
        var check = await ModelChecker.CheckAsync(model, 1e-6, CancellationToken.None);

        Assert.True(check.Passed, check.ToString());
    }

    [Fact]
    public void An_integer_output_bound_to_a_float_input_names_the_field()
    {
        using var folder = ModelFolder.CopyOf(Folder);
        folder.EditManifest(m => m["graphs"]!["head"] = JsonNode.Parse("""{"path": "full.onnx", "inputs": {"pixel_values": "selector.region_ids", "input_ids": "text.ids", "attention_mask": "text.attentionMask"}}"""));

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("graphs.head.inputs.pixel_values", error.Subject);
        Assert.Contains("'selector.region_ids' gives int64 or int32", error.Message, StringComparison.Ordinal);
    }
}
