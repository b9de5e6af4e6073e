using System.Globalization;
using System.Text;

namespace Dime.Inference.Text;

/// <summary>
/// BERT's basic tokenization as published (tokenization.py's BasicTokenizer, as Hugging Face runs it): it turns a
/// text into the words that WordPiece then cuts into pieces.
/// <list type="number">
/// <item>Drop NUL, U+FFFD and control characters (category C*, except tab, newline and carriage return, which count
/// as whitespace); turn whitespace (those three, space, category Zs) into spaces.</item>
/// <item>Put spaces around CJK ideographs, so that each is a word.</item>
/// <item>Split on whitespace; when lowercasing, lowercase each word (final sigma included) and strip its accents
/// (NFD, then drop category Mn).</item>
/// <item>Split each word on punctuation: ASCII 33-47, 58-64, 91-96, 123-126 and category P*; each punctuation
/// character is a word of its own.</item>
/// </list>
/// Written here because Microsoft.ML.Tokenizers' BertTokenizer (2.0.1) drops symbols such as <c>$ + &lt; = &gt; ^ ` | ~</c>,
/// joins words across tabs and newlines, keeps format characters, recomposes to NFC and, under .NET's invariant
/// globalization (DIME's), strips no accent at all.
/// </summary>
internal static class BertBasicTokenization
{
    /// <summary>Longer words (in characters, that is code points) become the unknown token as a whole.</summary>
    public const int MaxCharactersPerWord = 100;

    public static List<string> Words(string text, bool lowercase)
    {
        var words = new List<string>();
        var cleaned = Clean(text);
        var start = -1;
        for (var i = 0; i <= cleaned.Length; i++)
        {
            var boundary = i == cleaned.Length || char.IsWhiteSpace(cleaned[i]);
            if (!boundary && start < 0)
            {
                start = i;
            }
            else if (boundary && start >= 0)
            {
                var word = cleaned[start..i];
                SplitOnPunctuation(lowercase ? StripAccents(Lowercase(word)) : word, words);
                start = -1;
            }
        }

        return words;
    }

    /// <summary>The number of characters (code points, as Python counts them) of a word.</summary>
    public static int CharacterCount(string word)
    {
        var count = 0;
        foreach (var _ in word.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            // a lone surrogate enumerates as U+FFFD and goes with it
            if (rune.Value is 0 or 0xFFFD)
            {
                continue;
            }

            if (rune.Value is '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator)
            {
                builder.Append(' ');
            }
            else if (IsOther(Rune.GetUnicodeCategory(rune)))
            {
                continue;
            }
            else if (IsCjk(rune.Value))
            {
                builder.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    private static void SplitOnPunctuation(string word, List<string> words)
    {
        var start = 0;
        var i = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            var width = rune.Utf16SequenceLength;
            if (IsPunctuation(rune))
            {
                if (i > start)
                {
                    words.Add(word[start..i]);
                }

                words.Add(word.Substring(i, width));
                start = i + width;
            }

            i += width;
        }

        if (word.Length > start)
        {
            words.Add(word[start..]);
        }
    }

    /// <summary>
    /// NFD, then drop category Mn. .NET's invariant globalization does not decompose, so the decompositions come from
    /// a table made from the Unicode database (Data/accents.tsv); Hangul syllables decompose by formula.
    /// </summary>
    private static string StripAccents(string word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var rune in word.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (rune.Value is >= HangulFirst and <= HangulLast)
            {
                var index = rune.Value - HangulFirst;
                builder.Append((char)(0x1100 + (index / 588)));
                builder.Append((char)(0x1161 + (index % 588 / 28)));
                if (index % 28 != 0)
                {
                    builder.Append((char)(0x11A7 + (index % 28)));
                }
            }
            else if (Accents.Value.TryGetValue(rune.Value, out var stripped))
            {
                builder.Append(stripped);
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    private const int HangulFirst = 0xAC00;
    private const int HangulLast = 0xD7A3;

    private static readonly Lazy<Dictionary<int, string>> Accents = new(ReadAccents);

    private static Dictionary<int, string> ReadAccents()
    {
        using var stream = typeof(BertBasicTokenization).Assembly.GetManifestResourceStream("Dime.Inference.accents.tsv")
            ?? throw new InvalidOperationException("The accent table is missing from Dime.Inference.");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<int, string>(2100);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var left = line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(hex => char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            table[int.Parse(line.AsSpan(0, tab), NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = string.Concat(left);
        }

        return table;
    }

    /// <summary>Python's <c>str.lower()</c>: the invariant lowercase plus the final-sigma rule and U+0130 (Σ at the end of a word is ς).</summary>
    private static string Lowercase(string word)
    {
        // U+0130 is the one character whose lowercase is longer (i and a combining dot); the invariant casing keeps it
        var lower = word.Replace("\u0130", "i\u0307", StringComparison.Ordinal).ToLowerInvariant();
        if (!word.Contains('Σ', StringComparison.Ordinal) || lower.Length != word.Length)
        {
            return lower;
        }

        var chars = lower.ToCharArray();
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] == 'Σ' && CasedBefore(word, i) && !CasedAfter(word, i))
            {
                chars[i] = 'ς';
            }
        }

        return new string(chars);
    }

    private static bool CasedBefore(string word, int at)
    {
        for (var i = at - 1; i >= 0; i--)
        {
            if (!IsCaseIgnorable(word[i]))
            {
                return IsCased(word[i]);
            }
        }

        return false;
    }

    private static bool CasedAfter(string word, int at)
    {
        for (var i = at + 1; i < word.Length; i++)
        {
            if (!IsCaseIgnorable(word[i]))
            {
                return IsCased(word[i]);
            }
        }

        return false;
    }

    private static bool IsCased(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u05F4' or '\u2018' or '\u2019' or '\u2024' or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A'
        || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    private static bool IsOther(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;

    private static bool IsPunctuation(Rune rune)
    {
        var c = rune.Value;
        if (c is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsCjk(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
