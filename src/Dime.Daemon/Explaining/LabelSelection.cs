using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Explaining;

/// <summary>The labels an explanation covers (null: all), and what was ambiguous about how they were named.</summary>
internal sealed record LabelChoice(IReadOnlyList<int>? Indices, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads <c>options.labels</c>: "top" (the default: the prediction, the ground truth and the next three by logit; a
/// model with thousands of labels would otherwise fit a surrogate per label and part), "all", or a list whose items
/// are indices (numbers), <c>"name:X"</c> (the label named X), <c>"index:N"</c> or <c>"#N"</c> (the N-th logit), or a
/// bare string. A bare string is a name when a label has that name, else an index when it is a whole number in range;
/// when it is both a name and a different label's index, the name wins (as before there were prefixes) and a warning
/// says so.
/// </summary>
internal static class LabelSelection
{
    public const string NamePrefix = "name:";
    public const string IndexPrefix = "index:";
    public const string ShortIndexPrefix = "#";

    public static LabelChoice Resolve(JsonElement? labels, IReadOnlyList<string> names, Func<IReadOnlyList<int>> top)
    {
        if (labels is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return new LabelChoice(top(), []);
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() switch
            {
                "all" => new LabelChoice(null, []),
                "top" => new LabelChoice(top(), []),
                var other => throw Invalid($"'options.labels' is '{other}'; use \"all\", \"top\" or a list of labels."),
            };
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid("'options.labels' must be \"all\", \"top\" or a non-empty list of label names or indices.");
        }

        var indices = new List<int>();
        var warnings = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var index = item.ValueKind switch
            {
                JsonValueKind.Number when item.TryGetInt32(out var i) => CheckedIndex(i, names, item.GetRawText()),
                JsonValueKind.String => FromString(item.GetString()!, names, warnings),
                _ => throw Invalid($"'options.labels' holds {item.GetRawText()}; give label names or indices."),
            };
            if (!indices.Contains(index))
            {
                indices.Add(index);
            }
        }

        return new LabelChoice(indices, warnings);
    }

    /// <summary>How a label is written unambiguously: "name (#index)".</summary>
    public static string Describe(int index, IReadOnlyList<string> names) =>
        string.Create(CultureInfo.InvariantCulture, $"{names[index]} (#{index})");

    private static int FromString(string text, IReadOnlyList<string> names, List<string> warnings)
    {
        if (text.StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            var name = text[NamePrefix.Length..];
            return IndexOfName(names, name) is var i && i >= 0 ? i : throw Invalid($"'options.labels' names '{name}', which is not one of the model's labels.");
        }

        foreach (var prefix in new[] { IndexPrefix, ShortIndexPrefix })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                    ? CheckedIndex(i, names, text)
                    : throw Invalid($"'options.labels' holds '{text}'; after '{prefix}' comes a label index.");
            }
        }

        var byName = IndexOfName(names, text);
        var isIndex = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var asIndex) && asIndex < names.Count;
        if (byName >= 0)
        {
            if (isIndex && asIndex != byName)
            {
                warnings.Add($"label '{text}' is both the name of {Describe(byName, names)} and the index of {Describe(asIndex, names)}; used the name. Write 'name:{text}' or '#{text}' to choose.");
            }

            return byName;
        }

        return isIndex ? asIndex : throw Invalid($"'options.labels' names '{text}', which is neither one of the model's labels nor an index below {names.Count}.");
    }

    private static int IndexOfName(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static int CheckedIndex(int index, IReadOnlyList<string> names, string written) =>
        index >= 0 && index < names.Count ? index : throw Invalid($"'options.labels' holds {written}, but the model has labels 0 to {names.Count - 1}.");

    private static DaemonException Invalid(string message) => new(ErrorCode.InvalidArgument, message, "options.labels");
}
