using System.Text.Json;
using System.Text.RegularExpressions;
using Dime.Inference.Manifest;
using Microsoft.ML.Tokenizers;

namespace Dime.Inference.Text;

/// <summary>WordPiece (BERT's basic tokenization plus word pieces) and BPE, through Microsoft.ML.Tokenizers.</summary>
internal sealed class LibraryTokenizer : TextTokenizer
{
    // GPT-2's pre-tokenizer: words keep their leading space, which byte-level BPE vocabularies encode as 'Ġ'
    private const string ByteLevelPattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;

    private LibraryTokenizer(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength, IReadOnlyDictionary<string, int> vocabulary, Tokenizer tokenizer, IReadOnlyList<string> words)
        : base(spec, manifestPath, maxLength, maxTextLength, vocabulary)
    {
        _tokenizer = tokenizer;
        _vocabulary = vocabulary;
        Words = words;
    }

    public override IReadOnlyList<string> Words { get; }

    public static LibraryTokenizer CreateWordPiece(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength)
    {
        var vocabulary = WordsTokenizer.ReadLines(spec.Vocabulary, manifestPath);
        var prefix = spec.ContinuingSubwordPrefix ?? "##";

        // BertTokenizer insists that its special tokens exist; the ones the manifest does not use are never emitted
        // (DIME adds begin/end tokens itself), so any token of the vocabulary can stand in for them.
        var stand = spec.PadToken ?? vocabulary.Keys.First();
        string Present(string? configured, string conventional) =>
            configured ?? (vocabulary.ContainsKey(conventional) ? conventional : stand);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = spec.Lowercase,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
            ContinuingSubwordPrefix = prefix,
            UnknownToken = spec.UnknownToken ?? Present(null, "[UNK]"),
            PaddingToken = Present(spec.PadToken, "[PAD]"),
            ClassificationToken = Present(spec.BosToken, "[CLS]"),
            SeparatorToken = Present(spec.EosToken, "[SEP]"),
            MaskingToken = Present(spec.MaskToken, "[MASK]"),
        };
        Tokenizer tokenizer;
        try
        {
            tokenizer = BertTokenizer.Create(spec.Vocabulary, options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{Path.GetFileName(spec.Vocabulary)} is not a usable WordPiece vocabulary: {e.Message}");
        }

        var words = vocabulary.Keys.Where(w => !w.StartsWith(prefix, StringComparison.Ordinal) && !(w.StartsWith('[') && w.EndsWith(']'))).ToArray();
        return new LibraryTokenizer(spec, manifestPath, maxLength, maxTextLength, vocabulary, tokenizer, words);
    }

    public static LibraryTokenizer CreateBpe(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength)
    {
        Dictionary<string, int> vocabulary;
        try
        {
            using var stream = File.OpenRead(spec.Vocabulary);
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(stream) ?? [];
        }
        catch (JsonException e)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{Path.GetFileName(spec.Vocabulary)} must be a JSON object of token -> id (a Hugging Face vocab.json): {e.Message}");
        }

        var specials = new[] { spec.PadToken, spec.UnknownToken, spec.MaskToken, spec.BosToken, spec.EosToken }
            .Where(t => t is not null && vocabulary.ContainsKey(t))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(t => t!, t => vocabulary[t!], StringComparer.Ordinal);
        var pattern = spec.Pattern ?? (spec.ByteLevel ? ByteLevelPattern : WordsTokenizer.DefaultPattern);
        Tokenizer tokenizer;
        try
        {
            tokenizer = BpeTokenizer.Create(new BpeOptions(spec.Vocabulary, spec.Merges)
            {
                UnknownToken = spec.UnknownToken,
                SpecialTokens = specials,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), specials),
                Normalizer = spec.Lowercase ? LowerCaseNormalizer.Instance : null,
                ByteLevel = spec.ByteLevel,
                ContinuingSubwordPrefix = spec.ContinuingSubwordPrefix,
                EndOfWordSuffix = spec.EndOfWordSuffix,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or InvalidDataException)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.merges", $"the BPE vocabulary and merges cannot be loaded: {e.Message}");
        }

        var words = vocabulary.Keys
            .Where(w => !specials.ContainsKey(w))
            .Select(w => spec.ByteLevel ? w.Replace('Ġ', ' ').Trim() : w)
            .Where(w => w.Length > 1 && w.All(char.IsLetterOrDigit))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new LibraryTokenizer(spec, manifestPath, maxLength, maxTextLength, vocabulary, tokenizer, words);
    }

    protected override int SpecialId(string token) => _vocabulary[token];

    protected override void AppendIds(string text, List<int> ids, bool beforeSpecial)
    {
        // Byte-level BPE keeps spaces inside tokens; like RoBERTa's <mask>, a special token absorbs the space before it.
        var piece = Spec.ByteLevel && beforeSpecial ? text.TrimEnd() : text;
        if (piece.Length == 0)
        {
            return;
        }

        var encoded = _tokenizer is BertTokenizer bert
            ? bert.EncodeToIds(piece, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true)
            : _tokenizer.EncodeToIds(piece);
        ids.AddRange(encoded);
    }
}
