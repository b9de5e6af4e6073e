using Dime.Inference;

namespace Dime.Daemon.Protocol;

internal sealed record TokenizeParams(string ModelId, string Text);

/// <summary>A word as the model's tokenizer split it, its tokens and ids; <c>Unknown</c>: it became the unknown token.</summary>
internal sealed record TokenizedWordInfo(string Text, IReadOnlyList<string> Tokens, IReadOnlyList<int> Ids, bool Unknown);

/// <summary>What the model receives for a text: ids padded to maxLength, their tokens, the attention mask, and the words behind them.</summary>
internal sealed record TokenizeResult(
    string Kind,
    int MaxLength,
    int Count,
    bool Truncated,
    IReadOnlyList<int> Ids,
    IReadOnlyList<string> Tokens,
    IReadOnlyList<int> AttentionMask,
    IReadOnlyList<TokenizedWordInfo> Words,
    IReadOnlyList<string> UnknownWords,
    string? UnknownToken)
{
    public static TokenizeResult Of(LoadedModel model, string text)
    {
        var tokenized = model.Tokenize(text);
        var words = tokenized.Words
            .Select(w => new TokenizedWordInfo(w.Text, [.. w.Ids.Select(model.TokenOf)], w.Ids, w.Unknown))
            .ToArray();
        return new TokenizeResult(
            model.Tokenizer.Kind,
            model.Tokenizer.MaxLength,
            tokenized.Count,
            tokenized.Truncated,
            tokenized.Ids,
            tokenized.Tokens,
            tokenized.AttentionMask,
            words,
            [.. words.Where(w => w.Unknown).Select(w => w.Text).Distinct(StringComparer.Ordinal)],
            model.Tokenizer.UnknownToken);
    }
}
