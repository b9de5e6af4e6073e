using Dime.Inference.Checking;
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
