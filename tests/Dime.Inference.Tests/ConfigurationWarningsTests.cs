using Dime.Inference.Checking;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Text;

namespace Dime.Inference.Tests;

/// <summary>Configurations that load but are probably wrong are named when the model loads.</summary>
public sealed class ConfigurationWarningsTests
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "tokenizers");
    private static readonly string Manifest = Path.Combine(Folder, "manifest.json");

    [Fact]
    public void WordPiece_without_CLS_and_SEP_that_the_vocabulary_has_is_named()
    {
        var spec = WordPiece() with { BosToken = null, EosToken = null };

        var warnings = ConfigurationWarnings.Of(spec, TokenizerFactory.Create(spec, Manifest, 12, 1000));

        Assert.Contains(warnings, w => w.Contains("tokenizer.bosToken", StringComparison.Ordinal) && w.Contains("[CLS]", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("tokenizer.eosToken", StringComparison.Ordinal) && w.Contains("[SEP]", StringComparison.Ordinal));
    }

    [Fact]
    public void WordPiece_with_CLS_and_SEP_is_not_named()
    {
        var spec = WordPiece();

        var warnings = ConfigurationWarnings.Of(spec, TokenizerFactory.Create(spec, Manifest, 12, 1000));

        Assert.DoesNotContain(warnings, w => w.Contains("bosToken", StringComparison.Ordinal) || w.Contains("eosToken", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pattern_that_keeps_punctuation_the_vocabulary_lacks_is_named()
    {
        // words_vocab.txt has "?" but no "," or "!"
        var spec = Words(@"\w+|[^\w\s]");

        var warnings = ConfigurationWarnings.Of(spec, TokenizerFactory.Create(spec, Manifest, 8, 1000));

        var warning = Assert.Single(warnings);
        Assert.StartsWith("tokenizer.pattern", warning, StringComparison.Ordinal);
        Assert.Contains("','", warning, StringComparison.Ordinal);
        Assert.Contains("'!'", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("'?'", warning, StringComparison.Ordinal);
        Assert.Contains("<unk>", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_that_leaves_punctuation_out_is_not_named()
    {
        var spec = Words("[a-z0-9]+");

        Assert.Empty(ConfigurationWarnings.Of(spec, TokenizerFactory.Create(spec, Manifest, 8, 1000)));
    }

    [Fact]
    public void The_demo_models_load_without_warnings()
    {
        using var model = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), new DeviceOptions { Device = DeviceKind.Cpu });

        Assert.Empty(model.Warnings);
    }

    private static TokenizerSpec WordPiece() =>
        new(TokenizerKind.WordPiece, Path.Combine(Folder, "wordpiece_vocab.txt"), null, true, null, 12, "[PAD]", "[UNK]", "[MASK]", "[CLS]", "[SEP]", false, "##", null);

    private static TokenizerSpec Words(string pattern) =>
        new(TokenizerKind.Words, Path.Combine(Folder, "words_vocab.txt"), null, true, pattern, 8, "<pad>", "<unk>", null, null, null, false, null, null);
}

/// <summary>A manifest next to Hugging Face's preprocessor_config.json and config.json is compared with them.</summary>
public sealed class HuggingFaceFileWarningsTests : IDisposable
{
    private static readonly PreprocessSpec Image = new(224, 224, ResizeMode.Bilinear, ChannelOrder.Rgb, 1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], TensorLayout.Nchw);
    private readonly string _folder = Directory.CreateTempSubdirectory("dime-hf").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Matching_files_give_no_warning()
    {
        Write("preprocessor_config.json", """{ "do_resize": false, "resample": 3, "size": { "height": 224, "width": 224 }, "rescale_factor": 0.00392156862745098, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225] }""");
        Write("config.json", """{ "id2label": { "0": "yes", "1": "no" } }""");

        Assert.Empty(HuggingFaceFileWarnings.Of(_folder, ["yes", "no"], Image));
    }

    [Fact]
    public void Size_resample_mean_std_and_labels_that_differ_are_named()
    {
        Write("preprocessor_config.json", """{ "resample": 3, "size": 384, "rescale_factor": 0.00392156862745098, "image_mean": [0.5, 0.5, 0.5], "image_std": 0.5 }""");
        Write("config.json", """{ "id2label": { "0": "yes", "1": "maybe" } }""");

        var warnings = HuggingFaceFileWarnings.Of(_folder, ["yes", "no"], Image);

        Assert.Contains(warnings, w => w.Contains("384x384", StringComparison.Ordinal) && w.Contains("224x224", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("image.resize", StringComparison.Ordinal) && w.Contains("\"pil-bicubic\"", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("image.mean", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("image.std", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("labels", StringComparison.Ordinal) && w.Contains("'no'", StringComparison.Ordinal) && w.Contains("'maybe'", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.StartsWith("image.scale", StringComparison.Ordinal));
        Assert.Equal(5, warnings.Count);
    }

    [Fact]
    public void A_pil_mode_that_matches_the_resample_code_and_a_broken_file_are_handled()
    {
        Write("preprocessor_config.json", """{ "resample": 2 }""");
        Write("config.json", "{ not json");

        var warnings = HuggingFaceFileWarnings.Of(_folder, ["yes"], Image with { Resize = ResizeMode.PilBilinear });

        var warning = Assert.Single(warnings);
        Assert.StartsWith("config.json cannot be read", warning, StringComparison.Ordinal);
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, name), text);
}
