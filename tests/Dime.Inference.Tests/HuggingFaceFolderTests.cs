using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Text;
using Xunit.Abstractions;

namespace Dime.Inference.Tests;

/// <summary>
/// A Hugging Face export folder without manifest.json (Fixtures/vilt/vilt-tiny-vqa, made by make_vilt.py with
/// PyTorch): one ViLT-signature graph taking pixel_values, pixel_mask, input_ids, attention_mask and token_type_ids;
/// labels from config.json, tokens from tokenizer.json, preprocessing from preprocessor_config.json.
/// </summary>
public sealed class HuggingFaceFolderTests(ITestOutputHelper output)
{
    private static readonly string Fixture = Path.Combine(TestPaths.Fixtures, "vilt");

    private static readonly string Folder = Path.Combine(Fixture, "vilt-tiny-vqa");

    [Fact]
    public void The_folder_loads_without_a_manifest_with_labels_tokens_and_preprocessing_from_its_files()
    {
        Assert.False(File.Exists(Path.Combine(Folder, "manifest.json")));

        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);

        Assert.Equal(32, model.Labels.Count);
        Assert.Equal(["yes", "no", "0"], model.Labels.Take(3));
        Assert.Equal("pair", model.GraphSides["model"]);
        Assert.Equal("wordpiece", model.Tokenizer.Kind);
        Assert.Equal(40, model.Tokenizer.MaxLength);
        Assert.Equal(("[CLS]", "[SEP]", "[MASK]"), (model.Tokenizer.BosToken, model.Tokenizer.EosToken, model.Tokenizer.MaskToken));
        Assert.Empty(model.Warnings);
    }

    [Fact]
    public void Token_ids_equal_the_independent_BERT_generator()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        using var reference = Reference();

        TorchReference.AssertTokenIds(model, reference);
    }

    [Fact]
    public async Task Logits_equal_the_PyTorch_pipeline_with_PIL_preprocessing_and_BERT_tokens()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);

        var worst = await WorstDifferenceFromPyTorch(model);

        output.WriteLine($"ViLT-signature folder: largest |DIME - PyTorch| logit difference {worst:E2} over 12 pairs x 32 labels");
        Assert.True(worst <= 1e-4, $"largest difference from PyTorch: {worst:E2}");
    }

    [Fact]
    public async Task Init_manifest_writes_a_manifest_that_loads_to_the_same_model()
    {
        using var folder = ModelFolder.CopyOf(Folder);

        var written = ManifestInit.Run(folder.Path);
        var again = Assert.Throws<DimeException>(() => ManifestInit.Run(folder.Path));
        using var model = OnnxModelLoader.Load(folder.Manifest, DeviceOptions.Cpu);

        Assert.Equal(folder.Manifest, written.Path);
        Assert.Equal(ErrorKind.InvalidArgument, again.Kind);
        var manifest = JsonNode.Parse(File.ReadAllText(folder.Manifest))!;
        Assert.Equal("config.json", (string?)manifest["labels"]);
        Assert.Equal("tokenizer.json", (string?)manifest["tokenizer"]!["vocabulary"]);
        Assert.Equal("pil-bicubic", (string?)manifest["image"]!["resize"]);
        Assert.Equal("image.pixelMask", (string?)manifest["graphs"]!["model"]!["inputs"]!["pixel_mask"]);
        Assert.Equal(32, model.Labels.Count);
        Assert.True(await WorstDifferenceFromPyTorch(model) <= 1e-4);

        // the user edits it: the written manifest decides from now on
        folder.EditManifest(m => m["tokenizer"]!["maxLength"] = 24);
        using var edited = OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu);
        Assert.Equal(24, edited.Tokenizer.MaxLength);
    }

    [Fact]
    public async Task An_explanation_of_the_folder_decomposes_M_into_UC_plus_MI()
    {
        using var model = OnnxModelLoader.Load(Folder, DeviceOptions.Cpu);
        var images = new ImageList([Image("image_a.png"), Image("image_b.png")]);
        var reference = new ReferenceSet(images, ["what color is the cube?", "how many red balls are there"]);
        var instance = new ExplainInstance(Image("image_c.png"), "is there a blue $ cube", "instance");
        var options = new ExplainOptions { ImageSamples = 30, TextSamples = 30, Seed = 4, Labels = [0, 1], TextFeatureSelection = FeatureSelection.None };

        var prepared = await PreparedReference.PrepareAsync(model.Model, reference, null, CancellationToken.None);
        var explanation = await DimeExplainer.ExplainAsync(model.Model, instance, prepared, options, null, CancellationToken.None);

        foreach (var label in explanation.Image!.Labels.Concat(explanation.Text!.Labels))
        {
            for (var j = 0; j < label.M.Weights.Length; j++)
            {
                Assert.Equal(label.M.Weights[j], label.UC.Weights[j] + label.MI.Weights[j], 1e-6);
            }
        }

        Assert.Contains(explanation.Image.Labels[0].MI.Weights, w => Math.Abs(w) > 1e-6);
    }

    [Fact]
    public void A_shortest_edge_processor_loads_with_a_warning_naming_the_file_and_field()
    {
        using var folder = ModelFolder.CopyOf(Folder);
        EditJson(folder, "preprocessor_config.json", c =>
        {
            c["size"] = new JsonObject { ["shortest_edge"] = 32 };
            c["size_divisor"] = 32;
            c.Remove("resample");
        });

        using var model = OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu);

        Assert.Contains(model.Warnings, w => w.StartsWith("preprocessor_config.json: size.shortest_edge keeps each image's aspect ratio", StringComparison.Ordinal) && w.Contains("48x32", StringComparison.Ordinal));
        Assert.Contains(model.Warnings, w => w.StartsWith("preprocessor_config.json: no resample given", StringComparison.Ordinal));
    }

    [Fact]
    public void Tokenizer_settings_DIME_cannot_reproduce_are_warnings()
    {
        using var folder = ModelFolder.CopyOf(Folder);
        EditJson(folder, "tokenizer.json", t =>
        {
            t["normalizer"]!["strip_accents"] = false;
            t["pre_tokenizer"] = new JsonObject { ["type"] = "WhitespaceSplit" };
        });

        using var model = OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu);

        Assert.Contains(model.Warnings, w => w.StartsWith("tokenizer.json: normalizer.strip_accents is false while lowercase is true", StringComparison.Ordinal));
        Assert.Contains(model.Warnings, w => w.StartsWith("tokenizer.json: pre_tokenizer.type is 'WhitespaceSplit'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tokenizer.json", "model.type", "'Unigram' is not supported")]
    [InlineData("tokenizer.json", "post_processor.single", "[BEGIN] $A [END]")]
    [InlineData("config.json", "id2label", "is missing")]
    [InlineData("preprocessor_config.json", "resample", "Pillow's resample codes")]
    [InlineData("preprocessor_config.json", "image_mean", "must be three numbers")]
    public void What_DIME_cannot_read_is_an_error_naming_the_file_and_field(string file, string field, string message)
    {
        using var folder = ModelFolder.CopyOf(Folder);
        EditJson(folder, file, json =>
        {
            switch (field)
            {
                case "model.type":
                    json["model"]!["type"] = "Unigram";
                    break;
                case "post_processor.single":
                    json["post_processor"]!["single"] = JsonNode.Parse("""[{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}]""");
                    break;
                case "id2label":
                    json.Remove("id2label");
                    break;
                case "resample":
                    json["resample"] = 9;
                    break;
                case "image_mean":
                    json["image_mean"] = new JsonArray(0.5, 0.5);
                    break;
            }
        });

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal($"{file}:{field}", error.Subject);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_missing_a_file_says_which()
    {
        using var folder = ModelFolder.CopyOf(Folder);
        File.Delete(Path.Combine(folder.Path, "tokenizer.json"));

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ModelNotFound, error.Kind);
        Assert.Equal("tokenizer.json", error.Subject);
    }

    [Fact]
    public void Labels_from_a_config_json_are_checked()
    {
        using var folder = ModelFolder.CopyOf(Folder);
        EditJson(folder, "config.json", c => c["id2label"] = JsonNode.Parse("""{"0": "yes", "2": "no"}"""));

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("labels", error.Subject);
        Assert.Contains("no label for the id 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_RoBERTa_style_tokenizer_json_derives_byte_level_BPE_with_the_same_ids_as_vocab_json_and_merges()
    {
        // a small byte-level vocabulary: single characters (Ġ is the space), some merges, RoBERTa's specials
        string[] specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];
        var pieces = "abcdefghijklmnopqrstuvwxyz?'Ġ".Select(c => c.ToString()).ToList();
        string[][] merges = [["i", "s"], ["Ġ", "c"], ["Ġc", "u"], ["Ġcu", "b"], ["Ġcub", "e"], ["Ġ", "r"], ["Ġr", "e"], ["Ġre", "d"], ["t", "h"], ["Ġ", "th"], ["Ġth", "e"]];
        var tokens = specials.Concat(pieces).Concat(merges.Select(m => m[0] + m[1])).ToList();
        var vocab = new JsonObject();
        for (var i = 0; i < tokens.Count; i++)
        {
            vocab[tokens[i]] = i;
        }

        using var folder = ModelFolder.CopyOf(Folder);
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer.json"), new JsonObject
        {
            ["version"] = "1.0",
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "RobertaProcessing", ["sep"] = new JsonArray("</s>", 2), ["cls"] = new JsonArray("<s>", 0), ["trim_offsets"] = true, ["add_prefix_space"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = string.Empty,
                ["end_of_word_suffix"] = string.Empty,
                ["vocab"] = vocab.DeepClone(),
                ["merges"] = new JsonArray([.. merges.Select(m => (JsonNode)new JsonArray(m[0], m[1]))]),
            },
        }.ToJsonString());
        File.WriteAllText(Path.Combine(folder.Path, "special_tokens_map.json"), """{"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "mask_token": {"content": "<mask>", "lstrip": true}}""");
        File.Delete(Path.Combine(folder.Path, "tokenizer_config.json"));
        File.WriteAllText(Path.Combine(folder.Path, "vocab.json"), vocab.ToJsonString());
        File.WriteAllLines(Path.Combine(folder.Path, "merges.txt"), ["#version: 0.2", .. merges.Select(m => $"{m[0]} {m[1]}")]);

        using var model = OnnxModelLoader.Load(folder.Path, DeviceOptions.Cpu);
        var files = TokenizerFactory.Create(
            new TokenizerSpec(TokenizerKind.Bpe, Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt"), false, null, 40, "<pad>", null, "<mask>", "<s>", "</s>", true, null, null),
            folder.Manifest,
            40,
            1000);

        Assert.Equal(("bpe", "<s>", "</s>", "<mask>", "<pad>"), (model.Tokenizer.Kind, model.Tokenizer.BosToken, model.Tokenizer.EosToken, model.Tokenizer.MaskToken, model.Tokenizer.PadToken));
        Assert.Equal(40, model.Tokenizer.MaxLength); // config.json's max_position_embeddings
        foreach (var text in new[] { "is the cube red?", "the red cube", "what's the <mask> cube?" })
        {
            Assert.Equal(files.EncodeToIds(text), model.TokenIds(text));
        }

        var cube = model.Tokenize("is the cube red?");
        Assert.Equal(["<s>", "is", "Ġthe", "Ġcube", "Ġred", "?", "</s>"], cube.Tokens.Take(cube.Count));
    }

    internal static async Task<double> WorstDifferenceFromPyTorch(LoadedModel model)
    {
        using var reference = Reference();
        var pairs = reference.RootElement.GetProperty("pairs").EnumerateArray().ToList();
        var images = new ImageList([.. pairs.Select(p => Image(p.GetProperty("image").GetString()!))]);
        var texts = pairs.Select(p => p.GetProperty("question").GetString()!).ToList();

        var grid = await model.Split!.EvaluateGridAsync(images, texts, CancellationToken.None);
        var predicted = await model.PredictAsync(images, texts, CancellationToken.None);

        var worst = 0.0;
        for (var p = 0; p < pairs.Count; p++)
        {
            var expected = pairs[p].GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            for (var l = 0; l < expected.Length; l++)
            {
                worst = Math.Max(worst, Math.Abs(grid.Row(p, p)[l] - expected[l]));
                worst = Math.Max(worst, Math.Abs(predicted.Row(p)[l] - expected[l]));
            }
        }

        return worst;
    }

    private static RgbImage Image(string name) => ImageLoader.Load(Path.Combine(Fixture, name));

    private static JsonDocument Reference() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture, "reference.json")));

    private static void EditJson(ModelFolder folder, string file, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder.Path, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
