using Dime.Inference.Manifest;
using Dime.Inference.Text;

namespace Dime.Inference.Checking;

/// <summary>
/// Configurations that load but are probably wrong, found when the model loads (the model's status and check-model
/// list them): a tokenizer that leaves out begin/end tokens its vocabulary has, or that turns punctuation into the
/// unknown token in every question.
/// </summary>
internal static class ConfigurationWarnings
{
    /// <summary>Punctuation that questions are full of; each should be a token of the vocabulary or be left out by the pattern.</summary>
    private const string Probe = "what's the colour, size and shape? is it 2 or 3! (yes/no): a-b; \"x\" .";

    private static readonly (TokenizerKind Kind, string Begin, string End)[] Conventions =
    [
        (TokenizerKind.WordPiece, "[CLS]", "[SEP]"),
        (TokenizerKind.Bpe, "<s>", "</s>"),
    ];

    public static IReadOnlyList<string> Of(TokenizerSpec spec, TextTokenizer tokenizer)
    {
        var warnings = new List<string>();
        foreach (var (kind, begin, end) in Conventions.Where(c => c.Kind == spec.Kind))
        {
            if (spec.BosToken is null && tokenizer.Knows(begin))
            {
                warnings.Add($"tokenizer.bosToken is not set, but the vocabulary has {begin}: models trained with it expect it first in every text (write \"bosToken\": \"{begin}\").");
            }

            if (spec.EosToken is null && tokenizer.Knows(end))
            {
                warnings.Add($"tokenizer.eosToken is not set, but the vocabulary has {end}: models trained with it expect it last in every text (write \"eosToken\": \"{end}\").");
            }
        }

        var unknown = tokenizer.Tokenize(Probe).Words
            .Where(w => w.Unknown && !w.Text.Any(char.IsLetterOrDigit))
            .Select(w => w.Text)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (unknown.Length > 0)
        {
            var field = spec.Kind == TokenizerKind.Words ? "tokenizer.pattern" : "tokenizer.vocabulary";
            var what = spec.UnknownToken is { } token ? $"the unknown token {token}" : "nothing (they are dropped)";
            warnings.Add($"{field}: {string.Join(" ", unknown.Select(u => $"'{u}'"))} become {what} in every text that has them; the model probably never saw that (check the pattern against the vocabulary).");
        }

        return warnings;
    }
}
