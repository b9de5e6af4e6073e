using System.Text.Json.Nodes;
using Dime.Engine.Errors;

namespace Dime.Inference.Tests;

/// <summary>Every manifest mistake is a typed error that names the field (or file) to fix.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void Demo_manifest_as_written_by_the_training_script_loads()
    {
        using var folder = ModelFolder.CopyOf(Path.Combine(TestPaths.Demo, "models", "clean"));
        using var model = OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu);

        Assert.Equal("mini-CLEVR clean", model.Name);
        Assert.NotNull(model.Split);
        Assert.NotNull(model.FullGraph);
        Assert.Equal("words", model.Tokenizer.Kind);
    }

    [Fact]
    public void Missing_graph_file_names_the_path_field()
    {
        var error = LoadError(m => m["graphs"]!["full"]!["path"] = "nowhere.onnx");

        Assert.Equal(ErrorKind.ModelNotFound, error.Kind);
        Assert.Equal("graphs.full.path", error.Subject);
        Assert.Contains("nowhere.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_vocabulary_names_its_field()
    {
        var error = LoadError(m => m["tokenizer"]!["vocabulary"] = "words.txt");

        Assert.Equal(ErrorKind.ModelNotFound, error.Kind);
        Assert.Equal("tokenizer.vocabulary", error.Subject);
    }

    [Fact]
    public void Wrong_input_name_lists_the_graph_inputs()
    {
        var error = LoadError(m => m["graphs"]!["full"]!["inputs"]!["text"] = "token_ids");

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("graphs.full.inputs.text", error.Subject);
        Assert.Contains("token_ids", error.Message, StringComparison.Ordinal);
        Assert.Contains("tokens (int64 [batch,6])", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_size_that_the_graph_does_not_take_names_the_size_field()
    {
        var error = LoadError(m => m["image"]!["width"] = 16);

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("image.width", error.Subject);
        Assert.Contains("[batch,3,8,8]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_that_the_graph_does_not_take_names_the_layout_field()
    {
        var error = LoadError(m => m["image"]!["layout"] = "nhwc");

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("image.layout", error.Subject);
    }

    [Fact]
    public void Token_count_that_the_graph_does_not_take_names_max_length()
    {
        var error = LoadError(m => m["tokenizer"]!["maxLength"] = 8);

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("tokenizer.maxLength", error.Subject);
    }

    [Fact]
    public void Label_count_that_differs_from_the_logits_names_labels()
    {
        var error = LoadError(m => m["labels"] = new JsonArray("a", "b", "c"));

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("labels", error.Subject);
        Assert.Contains("4 logits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_output_name_names_the_output_field()
    {
        var error = LoadError(m => m["graphs"]!["fusion"]!["output"] = "scores");

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("graphs.fusion.output", error.Subject);
        Assert.Contains("logits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_input_the_manifest_does_not_map_is_named()
    {
        var error = LoadError(m => m["graphs"]!["full"]!["inputs"]!.AsObject().Remove("attentionMask"));

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("graphs.full.inputs", error.Subject);
        Assert.Contains("attention_mask", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fusion_input_that_does_not_fit_the_encoder_output_is_named()
    {
        // this fusion head takes the raw image, but the manifest also declares an image encoder in front of it
        var error = LoadError(m => m["graphs"]!["fusion"] = ModelFolder.Graph("fusion_raw_image.onnx", "logits", ("image", "image"), ("text", "text_features")));

        Assert.Equal(ErrorKind.ManifestGraphMismatch, error.Kind);
        Assert.Equal("graphs.fusion.inputs.image", error.Subject);
    }

    [Fact]
    public void Unknown_tokenizer_kind_names_the_kind_field()
    {
        var error = LoadError(m => m["tokenizer"]!["kind"] = "sentencepiece");

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("tokenizer.kind", error.Subject);
        Assert.Contains("sentencepiece", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("std", "[0.25, 0, 0.25]", "image.std[1]")]
    [InlineData("std", "-1", "image.std")]
    [InlineData("mean", "[0.5, 0.5]", "image.mean")]
    [InlineData("scale", "0", "image.scale")]
    [InlineData("resize", "\"bicubic\"", "image.resize")]
    [InlineData("width", "0", "image.width")]
    [InlineData("width", "\"64\"", "image.width")]
    [InlineData("channelOrder", "\"rgba\"", "image.channelOrder")]
    public void Bad_preprocessing_numbers_name_the_field(string field, string json, string subject)
    {
        var error = LoadError(m => m["image"]![field] = JsonNode.Parse(json));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal(subject, error.Subject);
    }

    [Fact]
    public void Misspelt_field_is_refused_rather_than_defaulted()
    {
        var error = LoadError(m => m["image"]!["resizeMode"] = "area");

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("image.resizeMode", error.Subject);
        Assert.Contains("resize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_token_missing_from_the_vocabulary_is_named()
    {
        var error = LoadError(m => m["tokenizer"]!["maskToken"] = "[MASK]");

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("tokenizer.maskToken", error.Subject);
    }

    [Fact]
    public void Probabilities_are_refused()
    {
        var error = LoadError(m => m["output"] = "probabilities");

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("output", error.Subject);
    }

    [Fact]
    public void Encoders_without_a_fusion_head_are_refused()
    {
        var error = LoadError(m => m["graphs"]!.AsObject().Remove("fusion"));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("graphs.fusion", error.Subject);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_named()
    {
        using var folder = ModelFolder.Toy();
        File.WriteAllText(Path.Combine(folder.Path, "model.onnx"), "this is a PyTorch checkpoint, honest");

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.NotAnOnnxModel, error.Kind);
        Assert.Equal("graphs.full.path", error.Subject);
    }

    [Fact]
    public void Invalid_json_and_missing_manifest_are_typed()
    {
        using var folder = ModelFolder.Toy();
        File.WriteAllText(folder.Manifest, "{ \"graphs\": ");
        Assert.Equal(ErrorKind.ManifestInvalid, Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu)).Kind);

        var missing = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(Path.Combine(folder.Path, "nope.json"), DeviceOptions.Cpu));
        Assert.Equal(ErrorKind.ModelNotFound, missing.Kind);
    }

    [Fact]
    public void Sizes_the_graph_fixes_may_be_left_out()
    {
        using var folder = ModelFolder.Toy(m =>
        {
            m["image"]!.AsObject().Remove("width");
            m["image"]!.AsObject().Remove("height");
            m["tokenizer"]!.AsObject().Remove("maxLength");
        });

        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        Assert.Equal(8, model.ImageWidth);
        Assert.Equal(8, model.ImageHeight);
        Assert.Equal(6, model.Tokenizer.MaxLength);
    }

    private static DimeException LoadError(Action<JsonObject> edit)
    {
        using var folder = ModelFolder.Toy(edit);
        return Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu).Dispose());
    }
}
