using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using StreamJsonRpc;

using Dime.Daemon.Handlers;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>
/// The wire contract as one JSON Schema document, made from the records the handlers take and return (found by their
/// [JsonRpcMethod] attributes, wherever they live; so this sits above the handlers, with the command line) and serialized with <see cref="Json.Options"/>: every named record
/// is a definition under $defs, a property is required when its type is not nullable and its constructor parameter
/// has no default (the daemon writes no nulls, so an optional property is absent, never null). The extension's
/// TypeScript types and runtime guards are generated from it (<see cref="WireTypeScript"/>); docs/protocol.schema.json
/// is this document.
/// </summary>
internal static class WireSchema
{
    /// <summary>A method of the protocol: what its params and result are (null: none; typeof(object): anything).</summary>
    public sealed record Method(string Name, Type? Params, Type? Result, bool IsNotification);

    /// <summary>Notifications the daemon sends, which no handler declares.</summary>
    private static readonly Method[] ServerNotifications =
    [
        new(ProtocolNames.Progress, typeof(ProgressParams), null, IsNotification: true),
    ];

    /// <summary>Shapes outside the methods: every error reply's data, a line of explain-dataset's index.jsonl.</summary>
    private static readonly (string Name, Type Type)[] OtherShapes =
    [
        ("error.data", typeof(ErrorData)),
        ("index.jsonl", typeof(Sharding.IndexLine)),
    ];

    private const string TypeMarker = "x-wire-type";

    /// <summary>Indented, and quotes and backticks left as they are.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every [JsonRpcMethod] of the daemon, then the notifications it sends, in name order.</summary>
    public static IReadOnlyList<Method> Methods()
    {
        var declared =
            from type in typeof(WireSchema).Assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            let attribute = method.GetCustomAttribute<JsonRpcMethodAttribute>()
            where attribute?.Name is not null
            select Describe(attribute.Name!, method);
        return [.. declared.Concat(ServerNotifications).OrderBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <summary>The schema document: methods and notifications referring to $defs.</summary>
    public static JsonObject Document()
    {
        var defs = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var methods = new JsonObject();
        var notifications = new JsonObject();
        foreach (var method in Methods())
        {
            var entry = new JsonObject();
            if (method.Params is { } parameters)
            {
                entry["params"] = Reference(parameters, defs);
            }

            if (!method.IsNotification)
            {
                entry["result"] = method.Result is { } result ? Reference(result, defs) : new JsonObject { ["type"] = "null" };
            }

            (method.IsNotification ? notifications : methods)[method.Name] = entry;
        }

        var others = new JsonObject();
        foreach (var (name, type) in OtherShapes)
        {
            others[name] = Reference(type, defs);
        }

        var definitions = new JsonObject();
        foreach (var (name, schema) in defs)
        {
            definitions[name] = schema;
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "DIME daemon protocol",
            ["description"] = "Generated from the daemon's records by `Dime.Daemon schema`: do not edit. docs/protocol.md describes the methods.",
            ["protocolVersion"] = ProtocolNames.ProtocolVersion,
            ["methods"] = methods,
            ["notifications"] = notifications,
            ["shapes"] = others,
            ["$defs"] = definitions,
        };
    }

    public static string Text() => Document().ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    /// <summary>
    /// The name a record has in the schema and in TypeScript: its C# name, less the "Dto" that tells a wire record
    /// from the engine type of the same name (two records with one name make <see cref="Hoist"/> throw).
    /// </summary>
    public static string NameOf(Type type) => type.Name.EndsWith("Dto", StringComparison.Ordinal) ? type.Name[..^3] : type.Name;

    private static Method Describe(string name, MethodInfo method)
    {
        var parameter = method.GetParameters().FirstOrDefault(p => p.ParameterType != typeof(CancellationToken));
        var returns = method.ReturnType;
        if (returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            returns = returns.GetGenericArguments()[0];
        }

        var isNotification = returns == typeof(void) || returns == typeof(Task) || returns == typeof(ValueTask);
        return new Method(name, parameter?.ParameterType, isNotification ? null : returns, isNotification);
    }

    /// <summary>The schema of a params or result type: a $ref for a record (added to defs), inline otherwise.</summary>
    private static JsonNode Reference(Type type, SortedDictionary<string, JsonNode> defs)
    {
        var options = new JsonSerializerOptions(Json.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.MakeReadOnly();
        var exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Transform };
        var node = JsonSchemaExporter.GetJsonSchemaAsNode(options, Nullable.GetUnderlyingType(type) ?? type, exporter);
        return Hoist(Inline(node, node)!, defs);
    }

    /// <summary>
    /// Per node: numbers as "number" or "integer" (the named literals NaN/Infinity are accepted on input but never a
    /// result), nullability as optionality, free JSON as {}, and every record marked with its name for <see cref="Hoist"/>.
    /// </summary>
    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node)
    {
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        JsonObject schema = type switch
        {
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => new() { ["type"] = "number" },
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte) =>
                new() { ["type"] = "integer" },
            _ when type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(object) => [],
            _ when type == typeof(JsonObject) => new() { ["type"] = "object" },
            _ when type == typeof(JsonArray) => new() { ["type"] = "array" },
            _ => node as JsonObject ?? [],
        };

        if (schema["type"] is JsonArray types)
        {
            var named = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
            schema["type"] = named.Count == 1 ? named[0] : new JsonArray([.. named.Select(t => (JsonNode)t)]);
        }

        if (schema["enum"] is JsonArray values)
        {
            schema["enum"] = new JsonArray([.. values.Where(v => v is not null).Select(v => v!.DeepClone())]);
        }

        if (context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(WireEnumAttribute), inherit: false).FirstOrDefault() is WireEnumAttribute oneOf)
        {
            schema["enum"] = new JsonArray([.. oneOf.Values.Select(v => (JsonNode)v)]);
        }

        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && IsRecord(type))
        {
            schema["required"] = new JsonArray([.. context.TypeInfo.Properties.Where(IsRequired).Select(p => (JsonNode)p.Name)]);
            schema[TypeMarker] = NameOf(type);
        }

        return schema;
    }

    /// <summary>Required on the wire: a type that is not nullable, and no default for its constructor parameter.</summary>
    private static bool IsRequired(JsonPropertyInfo property) =>
        !property.IsGetNullable && Nullable.GetUnderlyingType(property.PropertyType) is null && property.AssociatedParameter is not { HasDefaultValue: true };

    private static bool IsRecord(Type type) =>
        type.Namespace?.StartsWith("Dime.", StringComparison.Ordinal) == true && !type.IsEnum && !type.IsPrimitive;

    /// <summary>A copy of <paramref name="node"/> with the exporter's JSON-pointer $refs (to a type met earlier in the same document) replaced by what they point to.</summary>
    private static JsonNode? Inline(JsonNode? node, JsonNode root)
    {
        switch (node)
        {
            case JsonObject { } obj when obj["$ref"]?.GetValue<string>() is { } pointer:
                if (pointer == "#" || !pointer.StartsWith("#/", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"A recursive wire type ({pointer}) has no TypeScript form here.");
                }

                var target = pointer[2..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
                    .Aggregate((JsonNode?)root, (at, segment) => at is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : at?[segment]);
                var resolved = Inline(target, root)!.AsObject();
                foreach (var (key, value) in obj.Where(p => p.Key != "$ref"))
                {
                    resolved[key] = Inline(value, root);
                }

                return resolved;
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = Inline(value, root);
                }

                return copy;
            case JsonArray list:
                return new JsonArray([.. list.Select(item => Inline(item, root))]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Moves every marked record into defs and leaves a $ref in its place (one shape per name, or it throws).</summary>
    private static JsonNode Hoist(JsonNode? node, SortedDictionary<string, JsonNode> defs)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var child = obj[key];
                    obj[key] = child is null ? null : Hoist(child.DeepClone(), defs);
                }

                if (obj[TypeMarker] is not { } marker)
                {
                    return obj;
                }

                var name = marker.GetValue<string>();
                obj.Remove(TypeMarker);
                var reference = new JsonObject { ["$ref"] = $"#/$defs/{name}" };
                if (obj.Remove("default", out var defaultValue) && defaultValue is not null)
                {
                    reference["default"] = defaultValue;
                }

                if (defs.TryGetValue(name, out var existing) && !JsonNode.DeepEquals(existing, obj))
                {
                    throw new InvalidOperationException($"Two wire types are named {name}; rename one.\n{existing.ToJsonString()}\n{obj.ToJsonString()}");
                }

                defs[name] = obj;
                return reference;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => item is null ? null : Hoist(item.DeepClone(), defs))]);
            default:
                return node?.DeepClone() ?? JsonValue.Create((string?)null)!;
        }
    }
}
