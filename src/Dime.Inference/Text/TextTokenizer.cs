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

/// <summary>Text to a fixed number of token ids plus an attention mask, the same way the model was trained.</summary>
internal abstract class TextTokenizer
{
    private readonly TokenizerSpec _spec;
    private readonly int _maxTextLength;
    private readonly string[] _specials;

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
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > _maxTextLength)
        {
            throw new DimeException(DimeErrorCode.TextInvalid, $"The text has {text.Length} characters; the limit is {_maxTextLength}.", "text");
        }

        var tokens = new List<int>(MaxLength + 8);
        if (BosId is { } bos)
        {
            tokens.Add(bos);
        }

        var start = 0;
        while (start < text.Length)
        {
            var (at, special) = NextSpecial(text, start);
            if (at > start)
            {
                AppendIds(text[start..at], tokens, special is not null);
            }

            if (special is null)
            {
                break;
            }

            tokens.Add(SpecialId(special));
            start = at + special.Length;
        }

        var room = MaxLength - (EosId is null ? 0 : 1);
        if (tokens.Count > room)
        {
            tokens.RemoveRange(room, tokens.Count - room);
        }

        if (EosId is { } eos)
        {
            tokens.Add(eos);
        }

        ids.Slice(0, MaxLength).Fill(PadId);
        attentionMask.Slice(0, MaxLength).Clear();
        for (var i = 0; i < tokens.Count; i++)
        {
            ids[i] = tokens[i];
            attentionMask[i] = 1;
        }

        return tokens.Count;
    }

    /// <summary>The ids of <paramref name="text"/>, padding included (for tests and display).</summary>
    public int[] EncodeToIds(string text)
    {
        var ids = new int[MaxLength];
        Encode(text, ids, new int[MaxLength]);
        return ids;
    }

    /// <summary>Appends the ids of a piece of text that holds no special token.</summary>
    /// <param name="beforeSpecial">The piece ends where a special token starts.</param>
    protected abstract void AppendIds(string text, List<int> ids, bool beforeSpecial);

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
