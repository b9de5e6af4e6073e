using Dime.Engine.Errors;
using Dime.Inference.Manifest;
using Dime.Inference.Text;

namespace Dime.Inference.Tests;

/// <summary>The three tokenizer kinds on tiny vocabularies (Fixtures/tokenizers).</summary>
public sealed class TokenizerTests
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "tokenizers");
    private static readonly string Manifest = Path.Combine(Folder, "manifest.json");

    [Fact]
    public void Words_follow_the_pattern_lowercase_and_keep_the_mask_whole()
    {
        var tokenizer = Words(maxLength: 10, mask: "<mask>");

        // <pad>=0 <unk>=1 <mask>=2 <s>=3 </s>=4 is=5 there=6 a=7 red=8 blue=9 cube=10 ball=11 what=12 color=13 ?=14
        Assert.Equal(new[] { 5, 6, 7, 2, 10, 14, 1, 0, 0, 0 }, tokenizer.EncodeToIds("Is there a <mask> CUBE? Zebra"));
        Assert.Equal(new[] { 8, 2, 9, 0, 0, 0, 0, 0, 0, 0 }, tokenizer.EncodeToIds("red<mask>blue"));
    }

    [Fact]
    public void Words_mask_survives_lowercasing_when_written_in_capitals()
    {
        // the training script lowercases first and its pattern matches "<mask>": "<MASK>" must give the mask id too
        var tokenizer = Words(maxLength: 4, mask: "<mask>", pattern: "<mask>|[a-z0-9]+");

        Assert.Equal(new[] { 8, 2, 10, 0 }, tokenizer.EncodeToIds("red <MASK> cube"));
    }

    [Fact]
    public void Words_cut_long_texts_and_report_the_attention_mask()
    {
        var tokenizer = Words(maxLength: 5, bos: "<s>", eos: "</s>");
        var ids = new int[5];
        var mask = new int[5];

        var count = tokenizer.Encode("red blue cube ball what color", ids, mask);

        Assert.Equal(5, count);
        Assert.Equal(new[] { 3, 8, 9, 10, 4 }, ids);
        Assert.Equal(new[] { 1, 1, 1, 1, 1 }, mask);

        count = tokenizer.Encode("red", ids, mask);
        Assert.Equal(3, count);
        Assert.Equal(new[] { 3, 8, 4, 0, 0 }, ids);
        Assert.Equal(new[] { 1, 1, 1, 0, 0 }, mask);
    }

    [Fact]
    public void Empty_text_is_all_padding()
    {
        Assert.Equal(new[] { 0, 0, 0 }, Words(maxLength: 3).EncodeToIds(string.Empty));
    }

    [Fact]
    public void Huge_text_is_a_typed_error()
    {
        var tokenizer = TokenizerFactory.Create(WordsSpec(4, null, null, null, null), Manifest, 4, maxTextLength: 100);

        var error = Assert.Throws<DimeException>(() => tokenizer.EncodeToIds(new string('a', 101)));

        Assert.Equal(ErrorKind.TextInvalid, error.Kind);
    }

    [Fact]
    public void Words_vocabulary_with_a_repeated_token_is_refused()
    {
        var file = Path.GetTempFileName();
        File.WriteAllLines(file, ["<pad>", "<unk>", "red", "blue", "red"]);
        try
        {
            var error = Assert.Throws<DimeException>(() => TokenizerFactory.Create(WordsSpec(4, null, null, null, null) with { Vocabulary = file }, Manifest, 4, 1000));

            Assert.Equal("tokenizer.vocabulary", error.Subject);
            Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void WordPiece_splits_words_into_pieces()
    {
        var tokenizer = WordPiece(maxLength: 12);

        // [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4 is=5 there=6 a=7 red=8 blue=9 cube=10 ##s=11 ball=12 what=13 color=14 ?=15 cub=16 ##e=17 un=18 ##known=19
        Assert.Equal(new[] { 2, 5, 6, 7, 4, 10, 11, 15, 18, 19, 1, 3 }, tokenizer.EncodeToIds("Is there a [MASK] cubes? Unknown zzz"));
        Assert.Equal("[MASK]", tokenizer.Info.MaskToken);
        Assert.Equal("wordpiece", tokenizer.Info.Kind);
    }

    [Fact]
    public void WordPiece_without_lowercasing_keeps_case()
    {
        var tokenizer = TokenizerFactory.Create(WordPieceSpec(6) with { Lowercase = false, BosToken = null, EosToken = null }, Manifest, 6, 1000);

        Assert.Equal(new[] { 1, 8, 0, 0, 0, 0 }, tokenizer.EncodeToIds("RED red"));
    }

    [Fact]
    public void Bpe_merges_and_keeps_special_tokens_whole()
    {
        var tokenizer = TokenizerFactory.Create(BpeSpec(8), Manifest, 8, 1000);

        // red=12 cube=15 <mask>=2 ball=22 is=16 ?=17; "rd" has no merge: r=3 d=5
        Assert.Equal(new[] { 16, 12, 15, 2, 22, 17, 3, 5 }, tokenizer.EncodeToIds("is red cube <mask> ball? rd"));
        Assert.Equal("bpe", tokenizer.Info.Kind);
    }

    [Fact]
    public void Bpe_lowercases_when_asked()
    {
        var tokenizer = TokenizerFactory.Create(BpeSpec(4) with { Lowercase = true }, Manifest, 4, 1000);

        Assert.Equal(new[] { 12, 15, 0, 0 }, tokenizer.EncodeToIds("RED Cube"));
    }

    [Fact]
    public void Special_token_missing_from_the_vocabulary_names_its_field()
    {
        var error = Assert.Throws<DimeException>(() => TokenizerFactory.Create(WordsSpec(4, "[MASK]", null, null, null), Manifest, 4, 1000));

        Assert.Equal(ErrorKind.ManifestInvalid, error.Kind);
        Assert.Equal("tokenizer.maskToken", error.Subject);
    }

    private static TextTokenizer Words(int maxLength, string? mask = null, string? pattern = null, string? bos = null, string? eos = null) =>
        TokenizerFactory.Create(WordsSpec(maxLength, mask, pattern, bos, eos), Manifest, maxLength, 1000);

    private static TextTokenizer WordPiece(int maxLength) => TokenizerFactory.Create(WordPieceSpec(maxLength), Manifest, maxLength, 1000);

    private static TokenizerSpec WordsSpec(int maxLength, string? mask, string? pattern, string? bos, string? eos) =>
        new(TokenizerKind.Words, Path.Combine(Folder, "words_vocab.txt"), null, true, pattern ?? @"\w+|[^\w\s]", maxLength, "<pad>", "<unk>", mask, bos, eos, false, null, null);

    private static TokenizerSpec WordPieceSpec(int maxLength) =>
        new(TokenizerKind.WordPiece, Path.Combine(Folder, "wordpiece_vocab.txt"), null, true, null, maxLength, "[PAD]", "[UNK]", "[MASK]", "[CLS]", "[SEP]", false, "##", null);

    private static TokenizerSpec BpeSpec(int maxLength) =>
        new(TokenizerKind.Bpe, Path.Combine(Folder, "bpe_vocab.json"), Path.Combine(Folder, "bpe_merges.txt"), false, null, maxLength, "<pad>", "<unk>", "<mask>", null, null, false, null, null);
}
