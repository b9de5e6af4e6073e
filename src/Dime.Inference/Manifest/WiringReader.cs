using System.Text.Json;
using Dime.Inference.Files;

namespace Dime.Inference.Manifest;

/// <summary>
/// Reads the graphs of a format-2 manifest: "graphs" (name -> path and input bindings), "logits" (GRAPH.OUTPUT) and
/// the optional one-graph reference "full". Names and references are checked here; whether the graphs really have
/// those inputs and outputs, and the cycles, types and shapes, are checked against the files (Models/WiringPlan.cs).
/// </summary>
internal static class WiringReader
{
    public static WiringSpec ReadGraphs(JsonFields root, string directory)
    {
        var graphs = root.RequiredObject("graphs");
        var names = graphs.Names();
        if (names.Count == 0)
        {
            throw graphs.Invalid("graphs", "declares no graph.");
        }

        var specs = new List<WiredGraphSpec>();
        foreach (var name in names)
        {
            var field = graphs.Field(name);
            if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal) || name is "image" or "text")
            {
                throw graphs.Invalid(field, "a graph's name must be non-empty, without '.', and not 'image' or 'text' (those name the model's inputs).");
            }

            var graph = graphs.RequiredObject(name);
            var path = ManifestReader.ResolveFile(graph, "path", directory, FileKind.Graph);
            var inputs = ReadInputs(graph.RequiredObject("inputs"));
            graph.RejectUnknown();
            specs.Add(new WiredGraphSpec(name, field, path, inputs));
        }

        var logitsText = root.RequiredString("logits");
        var logits = ParseRef(logitsText) ?? throw root.Invalid("logits", $"'{logitsText}' is not GRAPH.OUTPUT (e.g. \"{specs[^1].Name}.logits\").");
        if (!specs.Any(s => s.Name == logits.Graph))
        {
            throw root.Invalid("logits", $"names the graph '{logits.Graph}', which 'graphs' does not declare; it declares {string.Join(", ", specs.Select(s => s.Name))}.");
        }

        foreach (var input in specs.SelectMany(s => s.Inputs))
        {
            if (input.Source.Output is { } output && !specs.Any(s => s.Name == output.Graph))
            {
                throw root.Invalid(input.Field, $"takes '{output}', but 'graphs' declares no graph '{output.Graph}'; it declares {string.Join(", ", specs.Select(s => s.Name))}.");
            }
        }

        return new WiringSpec("graphs", specs, logits);
    }

    /// <summary>"full": one graph whose inputs all come from the image and the text, for check-model's comparison.</summary>
    public static WiringSpec? ReadFull(JsonFields root, string directory)
    {
        var full = root.Object("full");
        if (full is null)
        {
            return null;
        }

        var path = ManifestReader.ResolveFile(full, "path", directory, FileKind.Graph);
        var inputs = ReadInputs(full.RequiredObject("inputs"));
        var output = full.RequiredString("output");
        full.RejectUnknown();
        if (inputs.FirstOrDefault(i => i.Source.Kind == SourceKind.GraphOutput) is { } bound)
        {
            throw full.Invalid(bound.Field, "the full graph takes the model's inputs only (image, image.pixelMask, text.*, constants).");
        }

        return new WiringSpec("full", [new WiredGraphSpec("full", "full", path, inputs)], new ValueRef("full", output));
    }

    private static List<WiredInput> ReadInputs(JsonFields inputs)
    {
        var result = new List<WiredInput>();
        foreach (var name in inputs.Names())
        {
            var field = inputs.Field(name);
            var value = inputs.Raw(name);
            result.Add(new WiredInput(name, value is { } v ? ReadSource(inputs, field, v) : throw inputs.Invalid(field, "is null; bind the input to a source."), field));
        }

        return result;
    }

    private static InputSource ReadSource(JsonFields inputs, string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = value.EnumerateObject().ToList();
            if (properties.Count != 1 || properties[0].Name != "constant")
            {
                throw inputs.Invalid(field, "an object source must be {\"constant\": NUMBER}.");
            }

            return new InputSource(SourceKind.Constant, Constant: inputs.NumberOf(field + ".constant", properties[0].Value));
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw inputs.Invalid(field, "must name a source: image, image.pixelMask, text.ids, text.attentionMask, text.tokenTypeIds, GRAPH.OUTPUT or {\"constant\": NUMBER}.");
        }

        var text = value.GetString()!;
        if (InputSource.Named.TryGetValue(text, out var kind))
        {
            return new InputSource(kind);
        }

        if (text.StartsWith("image.", StringComparison.Ordinal) || text.StartsWith("text.", StringComparison.Ordinal))
        {
            throw inputs.Invalid(field, $"'{text}' is not a source; the model's inputs are {string.Join(", ", InputSource.Named.Keys)}.");
        }

        return ParseRef(text) is { } output
            ? new InputSource(SourceKind.GraphOutput, output)
            : throw inputs.Invalid(field, $"'{text}' is not a source; use image, image.pixelMask, text.ids, text.attentionMask, text.tokenTypeIds, GRAPH.OUTPUT or {{\"constant\": NUMBER}}.");
    }

    private static ValueRef? ParseRef(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < text.Length - 1 ? new ValueRef(text[..dot], text[(dot + 1)..]) : null;
    }
}
