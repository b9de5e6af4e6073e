using System.Globalization;
using System.Text.Json;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;

namespace Dime.Inference.Checking;

/// <summary>
/// When a manifest sits in a folder exported with Hugging Face tooling, its preprocessing and labels should say what
/// preprocessor_config.json and config.json say: size, resample filter, rescale factor, mean and std, id2label.
/// Each difference is a warning (the manifest still wins); files that cannot be read are named, never fatal.
/// </summary>
internal static class HuggingFaceFileWarnings
{
    private const long MaxFileBytes = 16L << 20;

    /// <summary>Pillow's resample codes (Image.Resampling) and the resize mode that reproduces each.</summary>
    internal static readonly IReadOnlyDictionary<int, (string Name, ResizeMode Mode)> Resample = new Dictionary<int, (string Name, ResizeMode Mode)>
    {
        [0] = ("nearest", ResizeMode.PilNearest),
        [1] = ("lanczos", ResizeMode.PilLanczos),
        [2] = ("bilinear", ResizeMode.PilBilinear),
        [3] = ("bicubic", ResizeMode.PilBicubic),
        [4] = ("box", ResizeMode.PilBox),
        [5] = ("hamming", ResizeMode.PilHamming),
    };

    /// <param name="folder">The manifest's folder.</param>
    public static IReadOnlyList<string> Of(string folder, IReadOnlyList<string> labels, PreprocessSpec image)
    {
        var warnings = new List<string>();
        if (Read(Path.Combine(folder, "preprocessor_config.json"), warnings) is { } preprocessor)
        {
            CompareImage(preprocessor.RootElement, image, warnings);
            preprocessor.Dispose();
        }

        if (Read(Path.Combine(folder, "config.json"), warnings) is { } config)
        {
            CompareLabels(config.RootElement, labels, warnings);
            config.Dispose();
        }

        return warnings;
    }

    private static JsonDocument? Read(string path, List<string> warnings)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                warnings.Add($"{Path.GetFileName(path)} is larger than {MaxFileBytes >> 20} MB; it was not compared with the manifest.");
                return null;
            }

            var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            warnings.Add($"{Path.GetFileName(path)} is not a JSON object; it was not compared with the manifest.");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{Path.GetFileName(path)} cannot be read ({e.Message}); it was not compared with the manifest.");
        }

        return null;
    }

    private static void CompareImage(JsonElement config, PreprocessSpec image, List<string> warnings)
    {
        const string File = "preprocessor_config.json";
        if (config.TryGetProperty("size", out var size) && SizeOf(size) is { } expected && (expected.Width != image.Width || expected.Height != image.Height))
        {
            warnings.Add($"image: {File} resizes to {expected.Width}x{expected.Height}; the manifest to {image.Width}x{image.Height}.");
        }

        if (config.TryGetProperty("resample", out var resample) && resample.TryGetInt32(out var code) && Resample.TryGetValue(code, out var filter)
            && (!config.TryGetProperty("do_resize", out var resize) || resize.ValueKind != JsonValueKind.False) && image.Resize != filter.Mode)
        {
            warnings.Add($"image.resize: {File} resizes with PIL's {filter.Name} (resample {code}); the manifest's resize differs (use \"pil-{filter.Name}\").");
        }

        if (config.TryGetProperty("rescale_factor", out var rescale) && rescale.TryGetDouble(out var factor)
            && (!config.TryGetProperty("do_rescale", out var doRescale) || doRescale.ValueKind != JsonValueKind.False) && !Close(factor, image.Scale))
        {
            warnings.Add($"image.scale: {File} rescales by {factor.ToString(CultureInfo.InvariantCulture)}; the manifest by {image.Scale.ToString(CultureInfo.InvariantCulture)}.");
        }

        var normalizes = !config.TryGetProperty("do_normalize", out var normalize) || normalize.ValueKind != JsonValueKind.False;
        foreach (var (field, values, name) in new[] { ("image_mean", image.Mean, "mean"), ("image_std", image.Std, "std") })
        {
            if (normalizes && config.TryGetProperty(field, out var element) && Numbers(element) is { Length: 3 } numbers && !numbers.Zip(values).All(p => Close(p.First, p.Second)))
            {
                warnings.Add($"image.{name}: {File} has {field} [{string.Join(", ", numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)))}]; the manifest [{string.Join(", ", values.Select(n => n.ToString(CultureInfo.InvariantCulture)))}].");
            }
        }
    }

    private static void CompareLabels(JsonElement config, IReadOnlyList<string> labels, List<string> warnings)
    {
        if (!config.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var named = new Dictionary<int, string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && entry.Value.ValueKind == JsonValueKind.String)
            {
                named[id] = entry.Value.GetString()!;
            }
        }

        if (named.Count != labels.Count)
        {
            warnings.Add($"labels: config.json's id2label has {named.Count} labels; the manifest {labels.Count}.");
            return;
        }

        var differing = Enumerable.Range(0, labels.Count).Where(i => !named.TryGetValue(i, out var name) || name != labels[i]).ToArray();
        if (differing.Length > 0)
        {
            var first = differing[0];
            warnings.Add($"labels: {differing.Length} differ from config.json's id2label, the first at {first}: '{labels[first]}' where id2label has '{(named.TryGetValue(first, out var n) ? n : "nothing")}'.");
        }
    }

    /// <summary>{ height, width }, or one number for both; a shortest-edge size fixes no output size.</summary>
    private static (int Width, int Height)? SizeOf(JsonElement size)
    {
        if (size.ValueKind == JsonValueKind.Number && size.TryGetInt32(out var side))
        {
            return (side, side);
        }

        if (size.ValueKind == JsonValueKind.Object && size.TryGetProperty("height", out var h) && size.TryGetProperty("width", out var w) && h.TryGetInt32(out var height) && w.TryGetInt32(out var width))
        {
            return (width, height);
        }

        return null;
    }

    private static double[]? Numbers(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) => [.. element.EnumerateArray().Select(e => e.GetDouble())],
        JsonValueKind.Number => [element.GetDouble(), element.GetDouble(), element.GetDouble()],
        _ => null,
    };

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(a));
}
