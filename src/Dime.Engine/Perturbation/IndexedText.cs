using System.Text;
using System.Text.RegularExpressions;

namespace Dime.Engine.Perturbation;

public enum TextFeatureMode
{
    /// <summary>LIME's default: one feature per distinct word; switching it off removes every occurrence.</summary>
    BagOfWords,

    /// <summary>One feature per word occurrence.</summary>
    Positions,
}

public enum TextPerturbation
{
    /// <summary>LIME's default: removed words disappear, the separators around them stay.</summary>
    Delete,

    /// <summary>Every removed word occurrence becomes the mask token.</summary>
    MaskToken,
}

/// <summary>
/// A text cut the way LIME's IndexedString cuts it (<c>re.split(r'(\W+)|$')</c>): alternating runs of word and
/// non-word characters, all kept, so that removing words leaves the separators in place. Word characters are
/// Python's: letters, digits and numerals of any script, and the underscore.
/// </summary>
internal sealed partial class IndexedText
{
    public IndexedText(string text, TextFeatureMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Mode = mode;
        var tokens = new List<string>();
        var tokenFeature = new List<int>();
        var features = new List<string>();
        var positions = new List<List<int>>();
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match match in TokenPattern().Matches(text))
        {
            var token = match.Value;
            var isWord = match.Groups["word"].Success;
            var feature = -1;
            if (isWord && (mode == TextFeatureMode.Positions || !vocabulary.TryGetValue(token, out feature)))
            {
                feature = features.Count;
                features.Add(token);
                positions.Add([]);
                if (mode == TextFeatureMode.BagOfWords)
                {
                    vocabulary.Add(token, feature);
                }
            }

            if (feature >= 0)
            {
                positions[feature].Add(tokens.Count);
            }

            tokens.Add(token);
            tokenFeature.Add(feature);
        }

        Tokens = [.. tokens];
        TokenFeature = [.. tokenFeature];
        Features = [.. features];
        FeaturePositions = positions.Select(p => p.ToArray()).ToArray();
    }

    public string Text { get; }

    public TextFeatureMode Mode { get; }

    /// <summary>Words and separators in order; concatenated they give the text back.</summary>
    public string[] Tokens { get; }

    /// <summary>The feature of each token, -1 for separators.</summary>
    public int[] TokenFeature { get; }

    /// <summary>The word of each feature, in order of first occurrence.</summary>
    public string[] Features { get; }

    /// <summary>The token indices of each feature.</summary>
    public int[][] FeaturePositions { get; }

    public int FeatureCount => Features.Length;

    /// <summary>The text with the features whose z is 0 deleted, or replaced by <paramref name="maskToken"/> when one is given.</summary>
    public string Render(ReadOnlySpan<byte> z, string? maskToken)
    {
        var builder = new StringBuilder(Text.Length + 16);
        for (var t = 0; t < Tokens.Length; t++)
        {
            var feature = TokenFeature[t];
            if (feature < 0 || z[feature] != 0)
            {
                builder.Append(Tokens[t]);
            }
            else if (maskToken is not null)
            {
                builder.Append(maskToken);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"(?<word>[\p{L}\p{N}_]+)|[^\p{L}\p{N}_]+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
