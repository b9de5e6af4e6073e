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

namespace Dime.Inference.Tests;

/// <summary>
/// Manifest format 2 on the LXMERT-signature fixture (Fixtures/lxmert, made by make_lxmert.py with PyTorch): a
/// two-output detector feeding a cross-modal graph with three token inputs, and the same model as one full graph.
/// </summary>
public sealed class WiredModelTests
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "lxmert");

    private static readonly string[] Questions = ["what color is the cube?", "how many red balls are there", "is there a blue $ cube"];

    [Fact]
    public void The_wiring_puts_the_detector_on_the_image_side_and_the_cross_modal_graph_on_the_pairs()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);

        Assert.Equal("image", model.GraphSides["detector"]);
        Assert.Equal("pair", model.GraphSides["crossmodal"]);
        Assert.NotNull(model.Split);
        Assert.NotNull(model.FullGraph);
        Assert.Empty(model.Warnings);
        Assert.Equal(3129, model.Labels.Count);
    }

    [Fact]
    public async Task The_composition_equals_the_full_graph()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);

        var check = await ModelChecker.CheckAsync(model, Images(), [.. Questions, string.Empty, "what's 2+2?"], 1e-4, CancellationToken.None);

        Assert.True(check.Passed, check.ToString());
        Assert.True(check.MaxAbsoluteError <= 1e-4, check.ToString());
        var full = model.GraphCalls.Single(c => c.Graph == "full");
        Assert.Equal(2 * 5, full.Rows);
    }

    [Fact]
    public void Token_ids_equal_the_independent_BERT_generator()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        using var reference = Reference();

        TorchReference.AssertTokenIds(model, reference);
    }

    [Fact]
    public async Task Logits_equal_the_PyTorch_pipeline_with_PIL_preprocessing()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        using var reference = Reference();
        var pairs = reference.RootElement.GetProperty("pairs").EnumerateArray().ToList();
        var images = new ImageList([.. pairs.Select(p => ImageLoader.Load(Path.Combine(Folder, p.GetProperty("image").GetString()!)))]);
        var texts = pairs.Select(p => p.GetProperty("question").GetString()!).ToList();

        var split = await model.Split!.EvaluateGridAsync(images, texts, CancellationToken.None);
        var predicted = await model.PredictAsync(images, texts, CancellationToken.None);

        var worst = 0.0;
        for (var p = 0; p < pairs.Count; p++)
        {
            var expected = pairs[p].GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var row = split.Row(p, p);
            for (var l = 0; l < expected.Length; l++)
            {
                worst = Math.Max(worst, Math.Abs(row[l] - expected[l]));
                worst = Math.Max(worst, Math.Abs(predicted.Row(p)[l] - expected[l]));
            }
        }

        Assert.True(worst <= 1e-4, $"largest difference from PyTorch: {worst:E2}");
    }

    [Fact]
    public async Task The_detector_runs_once_per_distinct_image_and_keyed_images_stay_cached()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        var before = Calls(model);
        var images = Images(["a", "b"]);

        await model.Split!.EvaluateGridAsync(images, Questions, CancellationToken.None);
        var once = Calls(model);
        await model.Split.EvaluateGridAsync(images, [.. Questions.Reverse()], CancellationToken.None);
        var twice = Calls(model);

        Assert.Equal(2, once["detector"] - before["detector"]);
        Assert.Equal(6, once["crossmodal"] - before["crossmodal"]);
        Assert.Equal(0, twice["detector"] - once["detector"]);
        Assert.Equal(6, twice["crossmodal"] - once["crossmodal"]);
    }

    [Fact]
    public async Task An_explanation_decomposes_M_into_UC_plus_MI_and_runs_the_detector_per_distinct_image_only()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        var images = Images(["a", "b"]);
        var reference = new ReferenceSet(images, Questions[..2]);
        var instance = new ExplainInstance(ImageLoader.Load(Path.Combine(Folder, "image_b.png")), Questions[2], "instance");
        var options = new ExplainOptions { ImageSamples = 40, TextSamples = 40, Seed = 3, Labels = [0, 1, 2], TextFeatureSelection = FeatureSelection.None };
        var before = Calls(model);

        var prepared = await PreparedReference.PrepareAsync(model.Model, reference, null, CancellationToken.None);
        var explanation = await DimeExplainer.ExplainAsync(model.Model, instance, prepared, options, null, CancellationToken.None);
        var after = Calls(model);

        foreach (var label in explanation.Image!.Labels.Concat(explanation.Text!.Labels))
        {
            for (var j = 0; j < label.M.Weights.Length; j++)
            {
                Assert.Equal(label.M.Weights[j], label.UC.Weights[j] + label.MI.Weights[j], 1e-6);
            }
        }

        for (var c = 0; c < explanation.Instance.F.Length; c++)
        {
            Assert.Equal(explanation.Instance.F[c], explanation.Instance.UC[c] + explanation.Instance.MI[c], 1e-9);
        }

        // the detector sees each distinct image once: two references, the instance, one per perturbed image; the
        // cross-modal graph sees every pair (each perturbed image with the instance text and every reference text, ...)
        var detectorRows = after["detector"] - before["detector"];
        var crossRows = after["crossmodal"] - before["crossmodal"];
        Assert.Equal(2 + 1 + options.ImageSamples, detectorRows);
        Assert.True(crossRows >= (reference.Count + 1) * (options.ImageSamples + options.TextSamples), $"detector {detectorRows} rows, cross-modal {crossRows} rows");
    }

    [Fact]
    public void Format_1_manifests_still_load_beside_format_2()
    {
        using var folder = ModelFolder.Toy();
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        Assert.NotNull(model.Split);
        Assert.Empty(model.GraphCalls);
    }

    [Theory]
    [InlineData("cycle", "graphs", "cycle")]
    [InlineData("unbound", "graphs.crossmodal.inputs", "'token_type_ids'")]
    [InlineData("unknown-input", "graphs.crossmodal.inputs.question", "no input named 'question'")]
    [InlineData("unknown-output", "graphs.crossmodal.inputs.visual_pos", "no output named 'boxes'")]
    [InlineData("element-type", "graphs.crossmodal.inputs.input_ids", "int64")]
    [InlineData("fixed-dimension", "graphs.crossmodal.inputs.visual_pos", "dimension 2 differs")]
    [InlineData("text-only-logits", "logits", "text only")]
    [InlineData("unused-graph", "graphs.spare", "no graph reads")]
    public void Wiring_errors_name_the_field(string broken, string field, string message)
    {
        using var folder = ModelFolder.CopyOf(Folder);
        folder.EditManifest(m =>
        {
            var cross = m["graphs"]!["crossmodal"]!["inputs"]!.AsObject();
            switch (broken)
            {
                case "cycle":
                    m["graphs"]!["detector"]!["inputs"]!["pixel_values"] = "crossmodal.logits";
                    break;
                case "unbound":
                    cross.Remove("token_type_ids");
                    break;
                case "unknown-input":
                    cross["question"] = "text.ids";
                    break;
                case "unknown-output":
                    cross["visual_pos"] = "detector.boxes";
                    break;
                case "element-type":
                    cross["input_ids"] = "detector.visual_pos";
                    break;
                case "fixed-dimension":
                    cross["visual_pos"] = "detector.visual_feats";
                    break;
                case "text-only-logits":
                    m["graphs"] = new JsonObject { ["full"] = JsonNode.Parse("""{"path": "full.onnx", "inputs": {"pixel_values": {"constant": 0}, "input_ids": "text.ids", "attention_mask": "text.attentionMask", "token_type_ids": "text.tokenTypeIds"}}""") };
                    m["logits"] = "full.logits";
                    break;
                case "unused-graph":
                    m["graphs"]!["spare"] = JsonNode.Parse("""{"path": "detector.onnx", "inputs": {"pixel_values": "image"}}""");
                    break;
            }
        });

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal(field, error.Subject);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"pixel_values": "image.pixels"}""", "graphs.detector.inputs.pixel_values", "not a source")]
    [InlineData("""{"pixel_values": "ghost.features"}""", "graphs.detector.inputs.pixel_values", "no graph 'ghost'")]
    [InlineData("""{"pixel_values": {"constant": "zero"}}""", "graphs.detector.inputs.pixel_values.constant", "must be a number")]
    public void Bad_sources_are_manifest_errors(string inputs, string field, string message)
    {
        using var folder = ModelFolder.CopyOf(Folder);
        folder.EditManifest(m => m["graphs"]!["detector"]!["inputs"] = JsonNode.Parse(inputs));

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal(field, error.Subject);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, long> Calls(LoadedModel model) => model.GraphCalls.ToDictionary(c => c.Graph, c => c.Rows);

    private static ImageList Images(IReadOnlyList<string?>? keys = null) =>
        new([ImageLoader.Load(Path.Combine(Folder, "image_a.png")), ImageLoader.Load(Path.Combine(Folder, "image_b.png"))], keys);

    private static JsonDocument Reference() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
}

/// <summary>Format 2 over the toy graphs as a CLIP-style dual encoder with a head: a text-side graph as well.</summary>
public sealed class WiredDualEncoderTests
{
    private static readonly string[] Texts = ["is there a red cube", "what color is the ball", "blue", string.Empty];

    [Fact]
    public async Task A_dual_encoder_runs_each_encoder_once_per_distinct_input_and_equals_format_1()
    {
        using var v1 = ModelFolder.Toy();
        using var v2 = ModelFolder.Toy(m =>
        {
            m["version"] = 2;
            m["graphs"] = JsonNode.Parse("""
                {
                  "vision": { "path": "image_encoder.onnx", "inputs": { "image": "image" } },
                  "words": { "path": "text_encoder.onnx", "inputs": { "tokens": "text.ids", "attention_mask": "text.attentionMask" } },
                  "head": { "path": "fusion.onnx", "inputs": { "image_features": "vision.image_features", "text_features": "words.text_features" } }
                }
                """);
            m["logits"] = "head.logits";
            m["full"] = JsonNode.Parse("""{ "path": "model.onnx", "inputs": { "image": "image", "tokens": "text.ids", "attention_mask": "text.attentionMask" }, "output": "logits" }""");
        });
        using var format1 = OnnxModelLoader.Load(v1.Manifest, DeviceOptions.Cpu);
        using var format2 = OnnxModelLoader.Load(v2.Manifest, DeviceOptions.Cpu);
        var random = new Random(5);
        var images = new ImageList([.. Enumerable.Range(0, 3).Select(_ => ModelChecker.SyntheticImage(random, 12, 10))]);
        string[] texts = [.. Texts, Texts[0], Texts[1]];

        var expected = await format1.Split!.EvaluateGridAsync(images, texts, CancellationToken.None);
        var actual = await format2.Split!.EvaluateGridAsync(images, texts, CancellationToken.None);
        var check = await ModelChecker.CheckAsync(format2, images, texts, 1e-5, CancellationToken.None);

        Assert.Equal(expected.Values, actual.Values, (a, b) => Math.Abs(a - b) <= 1e-5);
        Assert.True(check.Passed, check.ToString());
        Assert.Equal(new Dictionary<string, string> { ["vision"] = "image", ["words"] = "text", ["head"] = "pair" }, format2.GraphSides);
        var rows = format2.GraphCalls.ToDictionary(c => c.Graph, c => c.Rows);
        Assert.Equal(2 * 3, rows["vision"]); // unkeyed images: once per image per call
        Assert.Equal(Texts.Length, rows["words"]); // texts are their own key: once per distinct text, kept between calls
        Assert.Equal(2 * 3 * texts.Length, rows["head"]);
    }
}
