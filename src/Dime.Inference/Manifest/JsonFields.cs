using System.Globalization;
using System.Text.Json;
using Dime.Engine.Errors;

namespace Dime.Inference.Manifest;

/// <summary>Reads one JSON object of the manifest, naming the full field path in every error.</summary>
internal sealed class JsonFields
{
    private readonly JsonElement _element;
    private readonly string _prefix;
    private readonly string _manifestPath;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public JsonFields(JsonElement element, string prefix, string manifestPath)
    {
        _element = element;
        _prefix = prefix;
        _manifestPath = manifestPath;
    }

    /// <summary>This object's own field path, e.g. graphs.full.</summary>
    public string Prefix => _prefix;

    public string Field(string name) => _prefix.Length == 0 ? name : $"{_prefix}.{name}";

    public DimeException Invalid(string field, string message) => Error(_manifestPath, field, message);

    public static DimeException Error(string manifestPath, string field, string message) =>
        new(ErrorKind.ManifestInvalid, $"Model manifest {manifestPath}, field '{field}': {message}", field);

    public bool Has(string name)
    {
        _known.Add(name);
        return _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;
    }

    public string? String(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(Field(name), $"must be a string, not {Describe(value)}.");
        }

        return value.GetString();
    }

    public string RequiredString(string name)
    {
        var value = String(name) ?? throw Invalid(Field(name), "is missing.");
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(Field(name), "must not be empty.");
        }

        return value;
    }

    public T Enum<T>(string name, T fallback, params (string Name, T Value)[] choices)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        foreach (var (choice, value) in choices)
        {
            if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw Invalid(Field(name), $"unknown value '{text}'; use {string.Join(", ", choices.Select(c => c.Name))}.");
    }

    public bool Bool(string name, bool fallback)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(Field(name), $"must be true or false, not {Describe(value)}."),
        };
    }

    public int? Int(string name, int min, int max)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Invalid(Field(name), $"must be a whole number, not {Describe(value)}.");
        }

        if (number < min || number > max)
        {
            throw Invalid(Field(name), $"must be between {min} and {max}, got {number}.");
        }

        return number;
    }

    /// <summary>A finite number; <paramref name="positive"/> also refuses zero and negatives.</summary>
    public float? Number(string name, bool positive)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return CheckNumber(Field(name), value, positive);
    }

    /// <summary>Either one number (used for every channel) or a list of exactly <paramref name="count"/> numbers.</summary>
    public IReadOnlyList<float>? Numbers(string name, int count, bool positive)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return Enumerable.Repeat(CheckNumber(Field(name), value, positive), count).ToArray();
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != count)
        {
            throw Invalid(Field(name), $"must be a number or a list of {count} numbers (one per channel), not {Describe(value)}.");
        }

        var result = new float[count];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            result[i] = CheckNumber($"{Field(name)}[{i}]", item, positive);
            i++;
        }

        return result;
    }

    public IReadOnlyList<string> Strings(string name)
    {
        if (!TryGet(name, out var value))
        {
            throw Invalid(Field(name), "is missing.");
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(Field(name), $"must be a list of strings, not {Describe(value)}.");
        }

        var result = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{Field(name)}[{result.Count}]", $"must be a string, not {Describe(item)}.");
            }

            result.Add(item.GetString()!);
        }

        return result;
    }

    public JsonFields? Object(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(Field(name), $"must be an object, not {Describe(value)}.");
        }

        return new JsonFields(value, Field(name), _manifestPath);
    }

    public JsonFields RequiredObject(string name) => Object(name) ?? throw Invalid(Field(name), "is missing.");

    /// <summary>Every field name of this object, in file order (all of them count as known).</summary>
    public IReadOnlyList<string> Names()
    {
        var names = _element.EnumerateObject().Select(p => p.Name).ToList();
        _known.UnionWith(names);
        return names;
    }

    /// <summary>A field's value as it is (null when absent), for fields that take more than one shape.</summary>
    public JsonElement? Raw(string name) => TryGet(name, out var value) ? value : null;

    /// <summary>A number field's value, checked finite.</summary>
    public float NumberOf(string field, JsonElement value) => CheckNumber(field, value, positive: false);

    /// <summary>Refuses fields nobody asked for: a typo ("resizeMode") must not silently fall back to a default.</summary>
    public void RejectUnknown()
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!_known.Contains(property.Name))
            {
                throw Invalid(Field(property.Name), $"unknown field; expected one of: {string.Join(", ", _known)}.");
            }
        }
    }

    private bool TryGet(string name, out JsonElement value)
    {
        _known.Add(name);
        return _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private float CheckNumber(string field, JsonElement value, bool positive)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(field, $"must be a number, not {Describe(value)}.");
        }

        var number = value.GetDouble();
        if (!double.IsFinite(number) || !float.IsFinite((float)number))
        {
            throw Invalid(field, $"must be a finite number, got {value.GetRawText()}.");
        }

        if (positive && number <= 0)
        {
            throw Invalid(field, $"must be greater than zero, got {number.ToString(CultureInfo.InvariantCulture)}.");
        }

        return (float)number;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => value.ValueKind.ToString(),
    };
}
