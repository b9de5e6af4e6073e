using System.Text.Json;
using Dime.Inference.Manifest;
using Dime.Inference.Text;

namespace Dime.Inference.Tests;

/// <summary>
/// WordPiece ids equal to those of an independent implementation of BERT's published tokenization
/// (Fixtures/bert_tokens/make_bert_tokens.py, standard-library Python) on tricky strings: symbols, accents, CJK,
/// emoji, control and format characters, long words, special tokens, truncation.
/// </summary>
public sealed class BertTokenizationTests
{
    private static readonly string Folder = Path.Combine(TestPaths.Fixtures, "bert_tokens");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Load().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void The_fixtures_hold_at_least_fifty_strings()
    {
        Assert.True(Load().Count >= 50);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ids_equal_the_reference_implementation(int index)
    {
        var expected = Load()[index];
        var tokenizer = Create(expected.Lowercase, expected.MaxLength);

        var tokenized = tokenizer.Tokenize(expected.Text);

        Assert.Equal(expected.Ids, tokenized.Ids);
        Assert.Equal(expected.AttentionMask, tokenized.AttentionMask);
        Assert.Equal(expected.Tokens, tokenized.Tokens.Take(tokenized.Count));
        Assert.Equal(expected.UnknownWords, tokenized.Words.Where(w => w.Unknown).Select(w => w.Text));
        Assert.Equal(expected.Ids, tokenizer.EncodeToIds(expected.Text));
    }

    [Fact]
    public void Symbols_are_tokens_of_their_own()
    {
        var tokens = Create(lowercase: true, maxLength: 16).Tokenize("what's 2+2?").Tokens;

        Assert.Equal(new[] { "[CLS]", "what", "'", "s", "2", "+", "2", "?", "[SEP]" }, tokens.Take(9));
    }

    [Fact]
    public void Truncation_keeps_the_separator_and_says_so()
    {
        var tokenized = Create(lowercase: true, maxLength: 5).Tokenize("red blue green cube ball");

        Assert.Equal(new[] { "[CLS]", "red", "blue", "green", "[SEP]" }, tokenized.Tokens);
        Assert.True(tokenized.Truncated);
        Assert.False(Create(lowercase: true, maxLength: 8).Tokenize("red blue").Truncated);
    }

    private static TextTokenizer Create(bool lowercase, int maxLength) => TokenizerFactory.Create(
        new TokenizerSpec(TokenizerKind.WordPiece, Path.Combine(Folder, "vocab.txt"), null, lowercase, null, maxLength, "[PAD]", "[UNK]", "[MASK]", "[CLS]", "[SEP]", false, "##", null),
        Path.Combine(Folder, "manifest.json"),
        maxLength,
        20_000);

    private static List<Case> Load()
    {
        using var stream = File.OpenRead(Path.Combine(Folder, "cases.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("text").GetString()!,
            c.GetProperty("lowercase").GetBoolean(),
            c.GetProperty("maxLength").GetInt32(),
            c.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray(),
            c.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()).ToArray(),
            c.GetProperty("attentionMask").EnumerateArray().Select(t => t.GetInt32()).ToArray(),
            c.GetProperty("unknownWords").EnumerateArray().Select(t => t.GetString()!).ToArray())).ToList();
    }

    private sealed record Case(string Text, bool Lowercase, int MaxLength, string[] Tokens, int[] Ids, int[] AttentionMask, string[] UnknownWords);
}
