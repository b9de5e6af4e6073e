using System.Globalization;
using System.Text.Json;
using Dime.Inference.Files;

namespace Dime.Inference.Manifest;

/// <summary>
/// The parts of a Hugging Face export's JSON files that DIME reads: config.json's <c>id2label</c> (the labels, id 0 first)
/// and the JSON objects themselves. Errors name the file and the field.
/// </summary>
internal static class HuggingFaceConfig
{
    /// <summary>The JSON files of an export are small; anything larger is refused rather than read.</summary>
    public static FileKind JsonFile { get; } = new("Hugging Face JSON file", 64L << 20, Engine.Errors.ErrorKind.ModelNotFound);

    /// <summary>config.json's id2label as a list: every id from 0 to n-1 present once, names non-empty and distinct.</summary>
    /// <param name="field">The manifest field that named the file ("labels"), or the file itself when deriving.</param>
    public static IReadOnlyList<string> Labels(string configPath, string manifestPath, string field)
    {
        var name = Path.GetFileName(configPath);
        using var document = ReadObject(configPath, manifestPath, field);
        if (!document.RootElement.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw JsonFields.Error(manifestPath, field, $"{name} has no id2label object (id -> label name), so it gives no labels; list them in the manifest's \"labels\" instead.");
        }

        var named = new SortedDictionary<int, string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw JsonFields.Error(manifestPath, field, $"{name}: id2label has the key '{entry.Name}', which is not an id (0, 1, 2...).");
            }

            if (entry.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(entry.Value.GetString()))
            {
                throw JsonFields.Error(manifestPath, field, $"{name}: id2label['{entry.Name}'] must be a non-empty string.");
            }

            named[id] = entry.Value.GetString()!;
        }

        if (named.Count == 0)
        {
            throw JsonFields.Error(manifestPath, field, $"{name}: id2label is empty.");
        }

        var labels = new List<string>(named.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, label) in named)
        {
            if (id != labels.Count)
            {
                throw JsonFields.Error(manifestPath, field, $"{name}: id2label has no label for the id {labels.Count} (ids must run 0..{named.Count - 1}).");
            }

            if (!seen.Add(label))
            {
                throw JsonFields.Error(manifestPath, field, $"{name}: id2label repeats the label '{label}' (id {id}).");
            }

            labels.Add(label);
        }

        return labels;
    }

    /// <summary>A JSON object file, read within <see cref="JsonFile"/>'s limit.</summary>
    public static JsonDocument ReadObject(string path, string manifestPath, string field)
    {
        var name = Path.GetFileName(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(SafeFiles.ReadAllBytes(path, JsonFile), new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw JsonFields.Error(manifestPath, field, $"{name} is not valid JSON: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw JsonFields.Error(manifestPath, field, $"{name} must hold a JSON object.");
        }

        return document;
    }
}
