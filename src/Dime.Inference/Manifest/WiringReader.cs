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

        var logits = ReadLogits(root, "logits", text => ParseRef(text), $"{specs[^1].Name}.logits");
        foreach (var part in logits)
        {
            if (!specs.Any(s => s.Name == part.Output.Graph))
            {
                throw root.Invalid(part.Field, $"names the graph '{part.Output.Graph}', which 'graphs' does not declare; it declares {string.Join(", ", specs.Select(s => s.Name))}.");
            }
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
        var output = ReadLogits(full, "output", text => new ValueRef("full", text), "logits");
        full.RejectUnknown();
        if (inputs.FirstOrDefault(i => i.Source.Kind == SourceKind.GraphOutput) is { } bound)
        {
            throw full.Invalid(bound.Field, "the full graph takes the model's inputs only (image, image.pixelMask, text.*, constants).");
        }

        return new WiringSpec("full", [new WiredGraphSpec("full", "full", path, inputs)], output);
    }

    /// <summary>
    /// The logits: one output ("GRAPH.OUTPUT"), or a list of parts assembled into one vector, each "GRAPH.OUTPUT" or
    /// {"output": "GRAPH.OUTPUT", "columns": [0, 2], "scale": -1}.
    /// </summary>
    private static List<LogitPart> ReadLogits(JsonFields owner, string name, Func<string, ValueRef?> parse, string example)
    {
        var field = owner.Field(name);
        var value = owner.Raw(name) ?? throw owner.Invalid(field, $"is missing; name the output that holds the logits (e.g. \"{example}\").");
        LogitPart Part(JsonElement element, string partField)
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                var text = element.GetString()!;
                return new LogitPart(parse(text) ?? throw owner.Invalid(partField, $"'{text}' is not {(example.Contains('.', StringComparison.Ordinal) ? "GRAPH.OUTPUT" : "an output name")} (e.g. \"{example}\")."), 1f, null, partField);
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                throw owner.Invalid(partField, "must be an output name or {\"output\", \"columns\", \"scale\"}.");
            }

            ValueRef? output = null;
            float scale = 1f;
            List<int>? columns = null;
            foreach (var property in element.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "output" when property.Value.ValueKind == JsonValueKind.String:
                        output = parse(property.Value.GetString()!) ?? throw owner.Invalid($"{partField}.output", $"'{property.Value.GetString()}' is not {(example.Contains('.', StringComparison.Ordinal) ? "GRAPH.OUTPUT" : "an output name")}.");
                        break;
                    case "scale":
                        scale = owner.NumberOf($"{partField}.scale", property.Value);
                        if (scale == 0f)
                        {
                            throw owner.Invalid($"{partField}.scale", "must not be 0 (a column that is always 0 explains nothing).");
                        }

                        break;
                    case "columns" when property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() > 0:
                        columns = [];
                        foreach (var column in property.Value.EnumerateArray())
                        {
                            columns.Add(column.ValueKind == JsonValueKind.Number && column.TryGetInt32(out var c) && c >= 0 ? c : throw owner.Invalid($"{partField}.columns", "must list column indices (0, 1, ...)."));
                        }

                        break;
                    default:
                        throw owner.Invalid($"{partField}.{property.Name}", "unknown or malformed; a part is {\"output\": \"GRAPH.OUTPUT\", \"columns\": [0, 1], \"scale\": -1} (columns and scale optional, columns a non-empty list).");
                }
            }

            return new LogitPart(output ?? throw owner.Invalid($"{partField}.output", "is missing."), scale, columns, partField);
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            if (value.GetArrayLength() == 0)
            {
                throw owner.Invalid(field, "lists no part.");
            }

            return value.EnumerateArray().Select((element, i) => Part(element, $"{field}[{i}]")).ToList();
        }

        return value.ValueKind == JsonValueKind.String
            ? [Part(value, field)]
            : throw owner.Invalid(field, $"must be an output (\"{example}\") or a list of parts.");
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
