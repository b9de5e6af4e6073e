using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dime.Daemon.Cli;

/// <summary>
/// The extension's extension/src/daemon/wire.generated.ts, made from <see cref="WireSchema.Document"/>: an interface
/// per record, the request and notification maps, and the schema's definitions as data for the runtime guards
/// (extension/src/daemon/wireGuards.ts). A contract test holds the committed file to this text.
/// </summary>
internal static class WireTypeScript
{
    public const string RegenerateCommand = "DIME_UPDATE_GENERATED=1 dotnet test tests/Dime.Daemon.Tests -c Release --filter WireContract";

    public static string Generate(JsonObject document)
    {
        var defs = document["$defs"]!.AsObject();
        var text = new StringBuilder();
        text.Append("// Generated from the daemon's wire records (docs/protocol.schema.json, src/Dime.Daemon/Cli/WireSchema.cs): do not edit.\n");
        text.Append("// Regenerate: ").Append(RegenerateCommand).Append('\n');
        text.Append("// Pure (no vscode, no node): the webview bundles import these types too.\n");
        text.Append('\n');

        foreach (var (name, schema) in defs)
        {
            var properties = schema!["properties"]?.AsObject();
            if (properties is null || properties.Count == 0)
            {
                text.Append("export type ").Append(name).Append(" = Record<string, never>;\n\n");
                continue;
            }

            var required = Required(schema);
            text.Append("export interface ").Append(name).Append(" {\n");
            foreach (var (property, propertySchema) in properties)
            {
                text.Append("  ").Append(property).Append(required.Contains(property) ? ": " : "?: ").Append(Type(propertySchema)).Append(";\n");
            }

            text.Append("}\n\n");
        }

        text.Append("/** Parameters and result of every request, keyed by method name (undefined: the request has no params). */\n");
        text.Append("export interface RequestMap {\n");
        foreach (var (method, entry) in document["methods"]!.AsObject())
        {
            var parameters = entry!["params"] is { } p ? Type(p) : "undefined";
            text.Append("  '").Append(method).Append("': [").Append(parameters).Append(", ").Append(Type(entry["result"])).Append("];\n");
        }

        text.Append("}\n\n");
        text.Append("/** The params of every notification, keyed by method name. */\n");
        text.Append("export interface NotificationMap {\n");
        foreach (var (method, entry) in document["notifications"]!.AsObject())
        {
            text.Append("  '").Append(method).Append("': ").Append(entry!["params"] is { } p ? Type(p) : "undefined").Append(";\n");
        }

        text.Append("}\n\n");
        text.Append("/** Every named shape of the protocol, by name (the guards' keys). */\n");
        text.Append("export interface WireTypes {\n");
        foreach (var (name, _) in defs)
        {
            text.Append("  ").Append(name).Append(": ").Append(name).Append(";\n");
        }

        text.Append("}\n\n");
        text.Append("/** The subset of JSON Schema that the definitions use. */\n");
        text.Append("export interface WireSchema {\n");
        text.Append("  $ref?: string;\n  type?: string | readonly string[];\n  enum?: readonly string[];\n  items?: WireSchema;\n");
        text.Append("  properties?: Readonly<Record<string, WireSchema>>;\n  required?: readonly string[];\n  additionalProperties?: WireSchema | boolean;\n}\n\n");
        text.Append("/** The schema's $defs, for the runtime guards. */\n");
        text.Append("export const WIRE_DEFS: Readonly<Record<keyof WireTypes, WireSchema>> = {\n");
        foreach (var (name, schema) in defs)
        {
            text.Append("  ").Append(name).Append(": ").Append(GuardSubset(schema)!.ToJsonString(WireSchema.Compact)).Append(",\n");
        }

        text.Append("};\n");
        return text.ToString();
    }

    private static readonly string[] GuardKeywords = ["$ref", "type", "enum", "items", "properties", "required", "additionalProperties"];

    /// <summary>The keywords the guards read (no defaults or descriptions), all the way down.</summary>
    private static JsonNode? GuardSubset(JsonNode? schema) => schema switch
    {
        JsonObject node => new JsonObject(node.Where(p => GuardKeywords.Contains(p.Key)).Select(p => KeyValuePair.Create(
            p.Key,
            p.Key switch
            {
                "properties" => new JsonObject(p.Value!.AsObject().Select(q => KeyValuePair.Create(q.Key, GuardSubset(q.Value)))),
                "items" or "additionalProperties" => GuardSubset(p.Value),
                _ => p.Value?.DeepClone(),
            }))),
        _ => schema?.DeepClone(),
    };

    private static HashSet<string> Required(JsonNode schema) =>
        schema["required"] is JsonArray required ? [.. required.Select(r => r!.GetValue<string>())] : [];

    /// <summary>The TypeScript type of a schema node.</summary>
    private static string Type(JsonNode? schema)
    {
        if (schema is not JsonObject node)
        {
            return "unknown";
        }

        if (node["$ref"] is { } reference)
        {
            return reference.GetValue<string>()["#/$defs/".Length..];
        }

        if (node["enum"] is JsonArray values)
        {
            return string.Join(" | ", values.Select(v => v is null ? "null" : v.GetValueKind() == JsonValueKind.String ? $"'{v.GetValue<string>()}'" : v.ToJsonString()));
        }

        return node["type"] switch
        {
            JsonArray types => string.Join(" | ", types.Select(t => Primitive(t!.GetValue<string>(), node))),
            JsonValue type => Primitive(type.GetValue<string>(), node),
            _ => "unknown",
        };
    }

    private static string Primitive(string type, JsonObject node) => type switch
    {
        "string" => "string",
        "integer" or "number" => "number",
        "boolean" => "boolean",
        "null" => "null",
        "array" => node["items"] is { } items ? Array(Type(items)) : "unknown[]",
        "object" when node["properties"] is JsonObject { Count: > 0 } properties =>
            "{ " + string.Join("; ", properties.Select(p => $"{p.Key}{(Required(node).Contains(p.Key) ? "" : "?")}: {Type(p.Value)}")) + " }",
        "object" when node["additionalProperties"] is JsonObject values => $"Record<string, {Type(values)}>",
        "object" => "Record<string, unknown>",
        _ => "unknown",
    };

    private static string Array(string element) => element.Contains(' ', StringComparison.Ordinal) ? $"({element})[]" : $"{element}[]";
}
