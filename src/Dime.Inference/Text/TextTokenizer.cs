using Dime.Engine.Errors;
using Dime.Inference.Manifest;

namespace Dime.Inference.Text;

/// <summary>What the model's tokenizer is, for explanations that mask words and for status.</summary>
/// <param name="Kind">words, wordpiece or bpe.</param>
/// <param name="MaxLength">Tokens per text, padding included (longer texts are cut).</param>
/// <param name="MaskToken">The token that stands for a hidden word, when the model knows one (DIME's mask perturbation uses it).</param>
public sealed record TokenizerInfo(
    string Kind,
    int MaxLength,
    bool Lowercase,
    string? PadToken,
    string? UnknownToken,
    string? MaskToken,
    string? BosToken,
    string? EosToken,
    int VocabularySize);

/// <summary>A word as the tokenizer split it, and the ids the model receives for it.</summary>
/// <param name="Unknown">The word became the unknown token (or, where there is none, was dropped).</param>
public sealed record TokenizedWord(string Text, IReadOnlyList<int> Ids, bool Unknown);

/// <summary>What the model receives for a text: ids (padding included), their tokens, and the words they came from.</summary>
/// <param name="Count">Tokens before padding.</param>
/// <param name="Truncated">Tokens were cut to fit <c>maxLength</c>.</param>
public sealed record TokenizedText(IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens, IReadOnlyList<int> AttentionMask, int Count, bool Truncated, IReadOnlyList<TokenizedWord> Words);

/// <summary>Text to a fixed number of token ids plus an attention mask, the same way the model was trained.</summary>
internal abstract class TextTokenizer
{
    private readonly TokenizerSpec _spec;
    private readonly int _maxTextLength;
    private readonly string[] _specials;
    private readonly Dictionary<int, string> _tokens;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;

    protected TextTokenizer(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength, IReadOnlyDictionary<string, int> vocabulary)
    {
        _spec = spec;
        _maxTextLength = maxTextLength;
        MaxLength = maxLength;
        VocabularySize = vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1;
        PadId = IdOf(vocabulary, spec.PadToken, "tokenizer.padToken", manifestPath, spec.Vocabulary) ?? 0;
        UnknownId = IdOf(vocabulary, spec.UnknownToken, "tokenizer.unknownToken", manifestPath, spec.Vocabulary);
        MaskId = IdOf(vocabulary, spec.MaskToken, "tokenizer.maskToken", manifestPath, spec.Vocabulary);
        BosId = IdOf(vocabulary, spec.BosToken, "tokenizer.bosToken", manifestPath, spec.Vocabulary);
        EosId = IdOf(vocabulary, spec.EosToken, "tokenizer.eosToken", manifestPath, spec.Vocabulary);
        if (MaxLength <= (BosId is null ? 0 : 1) + (EosId is null ? 0 : 1))
        {
            throw JsonFields.Error(manifestPath, "tokenizer.maxLength", $"{MaxLength} leaves no room for a word next to the begin/end tokens.");
        }

        _vocabulary = vocabulary;
        _tokens = new Dictionary<int, string>(vocabulary.Count);
        foreach (var (token, id) in vocabulary)
        {
            _tokens.TryAdd(id, token);
        }

        _specials = new[] { spec.PadToken, spec.UnknownToken, spec.MaskToken, spec.BosToken, spec.EosToken }
            .Where(t => !string.IsNullOrEmpty(t))
            .Select(t => t!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .ToArray();
        Info = new TokenizerInfo(
            spec.Kind switch { TokenizerKind.Words => "words", TokenizerKind.WordPiece => "wordpiece", _ => "bpe" },
            MaxLength,
            spec.Lowercase,
            spec.PadToken,
            UnknownId is null ? null : spec.UnknownToken,
            spec.MaskToken,
            spec.BosToken,
            spec.EosToken,
            VocabularySize);
    }

    public TokenizerInfo Info { get; }

    public int MaxLength { get; }

    public int VocabularySize { get; }

    public int PadId { get; }

    public int? UnknownId { get; }

    public int? MaskId { get; }

    public int? BosId { get; }

    public int? EosId { get; }

    protected TokenizerSpec Spec => _spec;

    /// <summary>Plain vocabulary entries (no special tokens, no word pieces), for synthetic check inputs.</summary>
    public abstract IReadOnlyList<string> Words { get; }

    /// <summary>
    /// Writes <see cref="MaxLength"/> ids and attention-mask values (1 for a token, 0 for padding) and returns the
    /// number of tokens. Special tokens in the text (the mask token above all) stay whole; the rest goes through the
    /// tokenizer proper. Too many tokens are cut, keeping the end token when there is one.
    /// </summary>
    public int Encode(string text, Span<int> ids, Span<int> attentionMask)
    {
        var tokens = TokenIds(text, new List<TokenizedWord>(), out _);
        ids.Slice(0, MaxLength).Fill(PadId);
        attentionMask.Slice(0, MaxLength).Clear();
        for (var i = 0; i < tokens.Count; i++)
        {
            ids[i] = tokens[i];
            attentionMask[i] = 1;
        }

        return tokens.Count;
    }

    /// <summary>Everything the model receives for <paramref name="text"/>, with the words behind the ids (for display).</summary>
    public TokenizedText Tokenize(string text)
    {
        var words = new List<TokenizedWord>();
        var tokens = TokenIds(text, words, out var truncated);
        var ids = new int[MaxLength];
        var mask = new int[MaxLength];
        Array.Fill(ids, PadId);
        for (var i = 0; i < tokens.Count; i++)
        {
            ids[i] = tokens[i];
            mask[i] = 1;
        }

        return new TokenizedText(ids, ids.Select(TokenOf).ToArray(), mask, tokens.Count, truncated, words);
    }

    /// <summary>Whether the vocabulary holds <paramref name="token"/>.</summary>
    public bool Knows(string token) => _vocabulary.ContainsKey(token);

    /// <summary>The vocabulary entry of an id.</summary>
    public string TokenOf(int id) => _tokens.TryGetValue(id, out var token) ? token : $"<{id}>";

    private List<int> TokenIds(string text, List<TokenizedWord> words, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > _maxTextLength)
        {
            throw new DimeException(ErrorKind.TextInvalid, $"The text has {text.Length} characters; the limit is {_maxTextLength}.", "text");
        }

        var start = 0;
        while (start < text.Length)
        {
            var (at, special) = NextSpecial(text, start);
            if (at > start)
            {
                AppendWords(text[start..at], words, special is not null);
            }

            if (special is null)
            {
                break;
            }

            words.Add(new TokenizedWord(special, [SpecialId(special)], false));
            start = at + special.Length;
        }

        var tokens = new List<int>(MaxLength + 8);
        if (BosId is { } bos)
        {
            tokens.Add(bos);
        }

        foreach (var word in words)
        {
            tokens.AddRange(word.Ids);
        }

        var room = MaxLength - (EosId is null ? 0 : 1);
        truncated = tokens.Count > room;
        if (truncated)
        {
            tokens.RemoveRange(room, tokens.Count - room);
        }

        if (EosId is { } eos)
        {
            tokens.Add(eos);
        }

        return tokens;
    }

    /// <summary>The ids of <paramref name="text"/>, padding included (for tests and display).</summary>
    public int[] EncodeToIds(string text)
    {
        var ids = new int[MaxLength];
        Encode(text, ids, new int[MaxLength]);
        return ids;
    }

    /// <summary>Appends the words of a piece of text that holds no special token, with their ids.</summary>
    /// <param name="beforeSpecial">The piece ends where a special token starts.</param>
    protected abstract void AppendWords(string text, List<TokenizedWord> words, bool beforeSpecial);

    protected abstract int SpecialId(string token);

    private (int At, string? Special) NextSpecial(string text, int start)
    {
        var best = text.Length;
        string? found = null;
        foreach (var special in _specials)
        {
            var at = text.IndexOf(special, start, StringComparison.Ordinal);
            if (at >= 0 && at < best)
            {
                best = at;
                found = special;
            }
        }

        return (best, found);
    }

    private static int? IdOf(IReadOnlyDictionary<string, int> vocabulary, string? token, string field, string manifestPath, string vocabularyFile)
    {
        if (token is null)
        {
            return null;
        }

        if (!vocabulary.TryGetValue(token, out var id))
        {
            throw JsonFields.Error(manifestPath, field, $"the token '{token}' is not in the vocabulary {Path.GetFileName(vocabularyFile)}.");
        }

        return id;
    }
}
