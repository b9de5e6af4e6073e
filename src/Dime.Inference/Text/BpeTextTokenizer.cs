using System.Text.Json;
using System.Text.RegularExpressions;
using Dime.Inference.Manifest;
using Microsoft.ML.Tokenizers;

namespace Dime.Inference.Text;

/// <summary>Byte-pair encoding (GPT-2/RoBERTa byte-level, CLIP-style end-of-word suffixes), through Microsoft.ML.Tokenizers.</summary>
internal sealed class BpeTextTokenizer : TextTokenizer
{
    // GPT-2's pre-tokenizer: words keep their leading space, which byte-level BPE vocabularies encode as 'Ġ'
    private const string ByteLevelPattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;

    private BpeTextTokenizer(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength, IReadOnlyDictionary<string, int> vocabulary, Tokenizer tokenizer, IReadOnlyList<string> words)
        : base(spec, manifestPath, maxLength, maxTextLength, vocabulary)
    {
        _tokenizer = tokenizer;
        _vocabulary = vocabulary;
        Words = words;
    }

    public override IReadOnlyList<string> Words { get; }

    public static BpeTextTokenizer Create(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength)
    {
        var json = TokenizerJsonFile.Names(spec.Vocabulary) ? TokenizerJsonFile.Read(spec.Vocabulary, manifestPath) : null;
        Dictionary<string, int> vocabulary;
        if (json is not null)
        {
            vocabulary = json.Vocabulary;
        }
        else
        {
            try
            {
                using var stream = File.OpenRead(spec.Vocabulary);
                vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(stream) ?? [];
            }
            catch (JsonException e)
            {
                throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{Path.GetFileName(spec.Vocabulary)} must be a JSON object of token -> id (a Hugging Face vocab.json): {e.Message}");
            }
        }

        var specials = new[] { spec.PadToken, spec.UnknownToken, spec.MaskToken, spec.BosToken, spec.EosToken }
            .Where(t => t is not null && vocabulary.ContainsKey(t))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(t => t!, t => vocabulary[t!], StringComparer.Ordinal);
        var pattern = spec.Pattern ?? (spec.ByteLevel ? ByteLevelPattern : WordsTokenizer.DefaultPattern);
        Tokenizer tokenizer;
        try
        {
            var bpeOptions = json is null ? new BpeOptions(spec.Vocabulary, spec.Merges) : new BpeOptions(json.Vocabulary) { Merges = json.Merges ?? [] };
            bpeOptions.UnknownToken = spec.UnknownToken;
            bpeOptions.SpecialTokens = specials;
            bpeOptions.PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), specials);
            bpeOptions.Normalizer = spec.Lowercase ? LowerCaseNormalizer.Instance : null;
            bpeOptions.ByteLevel = spec.ByteLevel;
            bpeOptions.ContinuingSubwordPrefix = spec.ContinuingSubwordPrefix;
            bpeOptions.EndOfWordSuffix = spec.EndOfWordSuffix;
            tokenizer = BpeTokenizer.Create(bpeOptions);
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
        return new BpeTextTokenizer(spec, manifestPath, maxLength, maxTextLength, vocabulary, tokenizer, words);
    }

    protected override int SpecialId(string token) => _vocabulary[token];

    protected override void AppendWords(string text, List<TokenizedWord> words, bool beforeSpecial)
    {
        // Byte-level BPE keeps spaces inside tokens; like RoBERTa's <mask>, a special token absorbs the space before it.
        var piece = Spec.ByteLevel && beforeSpecial ? text.TrimEnd() : text;
        if (piece.Length == 0)
        {
            return;
        }

        // each BPE token is shown as a word of its own
        foreach (var token in _tokenizer.EncodeToTokens(piece, out _))
        {
            words.Add(new TokenizedWord(token.Value, [token.Id], token.Id == UnknownId));
        }
    }
}
