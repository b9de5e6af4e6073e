using System.Text.RegularExpressions;
using Dime.Engine.Errors;
using Dime.Inference.Manifest;

namespace Dime.Inference.Text;

/// <summary>
/// A plain vocabulary (one token per line, the line number is the id) and a regular expression that finds the words,
/// as the demo's training script does: <c>re.findall(pattern, text.lower())</c>, unknown words to the unknown token.
/// </summary>
internal sealed class WordsTokenizer : TextTokenizer
{
    public const string DefaultPattern = @"\w+|[^\w\s]";

    private readonly Dictionary<string, int> _vocabulary;
    private readonly Regex _pattern;

    private WordsTokenizer(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength, Dictionary<string, int> vocabulary)
        : base(spec, manifestPath, maxLength, maxTextLength, vocabulary)
    {
        _vocabulary = vocabulary;
        _pattern = new Regex(spec.Pattern ?? DefaultPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var specials = new HashSet<string?>([spec.PadToken, spec.UnknownToken, spec.MaskToken, spec.BosToken, spec.EosToken], StringComparer.Ordinal);
        Words = vocabulary.Keys.Where(w => !specials.Contains(w) && w.Length > 0).ToArray();
    }

    public override IReadOnlyList<string> Words { get; }

    public static WordsTokenizer Create(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength) =>
        new(spec, manifestPath, maxLength, maxTextLength, ReadLines(spec.Vocabulary, manifestPath));

    /// <summary>One token per line; the id is the line number. A repeated token would make ids ambiguous, so it is refused.</summary>
    internal static Dictionary<string, int> ReadLines(string file, string manifestPath)
    {
        var lines = File.ReadAllLines(file);
        var count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        var vocabulary = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var token = lines[i].TrimEnd('\r');
            if (token.Length > 0 && !vocabulary.TryAdd(token, i))
            {
                throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"line {i + 1} of {Path.GetFileName(file)} repeats the token '{token}' (line {vocabulary[token] + 1}).");
            }
        }

        if (vocabulary.Count == 0)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{Path.GetFileName(file)} holds no tokens.");
        }

        return vocabulary;
    }

    protected override int SpecialId(string token) => _vocabulary[token];

    protected override void AppendWords(string text, List<TokenizedWord> words, bool beforeSpecial)
    {
        var source = Spec.Lowercase ? text.ToLowerInvariant() : text;
        try
        {
            for (var match = _pattern.Match(source); match.Success; match = match.NextMatch())
            {
                if (match.Length == 0)
                {
                    continue;
                }

                if (_vocabulary.TryGetValue(match.Value, out var id))
                {
                    words.Add(new TokenizedWord(match.Value, [id], false));
                }
                else
                {
                    words.Add(new TokenizedWord(match.Value, UnknownId is { } unknown ? [unknown] : [], true));
                }
            }
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new DimeException(ErrorKind.TextInvalid, "The tokenizer's word pattern took too long on this text.", "text", e);
        }
    }
}
