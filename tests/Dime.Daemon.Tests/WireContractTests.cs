using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Cli;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Tests;

/// <summary>
/// The wire contract is the daemon's records: docs/protocol.schema.json and the extension's wire.generated.ts are
/// made from them (WireSchema, WireTypeScript) and must equal what the records make now. A difference is reported
/// by the property that drifted. Regenerate: DIME_UPDATE_GENERATED=1 dotnet test tests/Dime.Daemon.Tests -c Release --filter WireContract
/// </summary>
public sealed class WireContractTests
{
    private static string SchemaPath => Path.Combine(TestPaths.RepoRoot, "docs", "protocol.schema.json");

    private static string TypeScriptPath => Path.Combine(TestPaths.RepoRoot, "extension", "src", "daemon", "wire.generated.ts");

    private static bool Update => Environment.GetEnvironmentVariable("DIME_UPDATE_GENERATED") == "1";

    [Fact]
    public void The_committed_schema_is_the_one_the_records_make()
    {
        var expected = WireSchema.Text();
        if (Update)
        {
            File.WriteAllText(SchemaPath, expected);
        }

        Assert.True(File.Exists(SchemaPath), $"{SchemaPath} is missing: {WireTypeScript.RegenerateCommand}");
        var committed = JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();
        var drift = Drift(committed, WireSchema.Document());
        Assert.True(drift.Count == 0, $"The wire contract drifted from docs/protocol.schema.json:\n  {string.Join("\n  ", drift)}\nRegenerate: {WireTypeScript.RegenerateCommand}");
        Assert.Equal(expected, File.ReadAllText(SchemaPath));
    }

    [Fact]
    public void The_extensions_generated_module_is_the_one_the_records_make()
    {
        var expected = WireTypeScript.Generate(WireSchema.Document());
        if (Update)
        {
            File.WriteAllText(TypeScriptPath, expected);
        }

        Assert.True(File.Exists(TypeScriptPath), $"{TypeScriptPath} is missing: {WireTypeScript.RegenerateCommand}");
        var committed = File.ReadAllText(TypeScriptPath).ReplaceLineEndings("\n").Split('\n');
        var current = expected.Split('\n');
        var first = Enumerable.Range(0, Math.Max(committed.Length, current.Length))
            .FirstOrDefault(i => i >= committed.Length || i >= current.Length || committed[i] != current[i], -1);
        Assert.True(
            first < 0,
            $"extension/src/daemon/wire.generated.ts differs from the daemon's records at line {first + 1}:\n" +
            $"  committed: {(first >= 0 && first < committed.Length ? committed[first] : "(end of file)")}\n" +
            $"  records:   {(first >= 0 && first < current.Length ? current[first] : "(end of file)")}\n" +
            $"Regenerate: {WireTypeScript.RegenerateCommand}");
    }

    [Fact]
    public void Every_protocol_name_has_a_shape_and_every_handler_a_protocol_name()
    {
        var described = WireSchema.Methods().Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        var named = ProtocolNames.Requests.Append(ProtocolNames.Exit).Append(ProtocolNames.Progress).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(named, described);
        var document = WireSchema.Document();
        Assert.All(ProtocolNames.Requests, r => Assert.NotNull(document["methods"]![r]!["result"]));
    }

    [Fact]
    public void Required_follows_nullability_and_defaults()
    {
        var defs = WireSchema.Document()["$defs"]!;
        string[] Required(string type) => [.. defs[type]!["required"]!.AsArray().Select(n => n!.GetValue<string>())];

        Assert.Empty(Required("Emap")); // a dataset without answers has no accuracies
        Assert.Contains("samplesWithAnswers", Required("DatasetResult"));
        Assert.Contains("skipped", Required("DatasetResult"));
        Assert.Contains("projected", Required("InteractionSample"));
        Assert.DoesNotContain("answer", Required("InteractionSample"));
        Assert.Equal(["modelId", "datasetId"], Required("ExplainDatasetParams")); // offset and count have defaults
        Assert.Equal("integer", defs["ExplainDatasetParams"]!["properties"]!["count"]!["type"]!.GetValue<string>());
        Assert.Equal(["median", "mean", "constant", "blur"], defs["Hide"]!["properties"]!["mode"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(defs["ExplainOptions"]!["properties"]!["partnersOrDefault"]);
    }

    [Fact]
    public void A_change_to_a_record_is_named_by_the_drift_report()
    {
        var committed = WireSchema.Document();
        var changed = WireSchema.Document();
        var emap = changed["$defs"]!["Emap"]!.AsObject();
        emap["required"] = new JsonArray("accuracy");
        changed["$defs"]!["DatasetResult"]!["properties"]!.AsObject().Remove("skipped");
        Assert.Equal(
            ["$defs.DatasetResult.skipped: in the committed schema, no longer in the records", "$defs.Emap.accuracy: optional in the committed schema, required in the records"],
            Drift(committed, changed));
    }

    /// <summary>Over the overview of a dataset without answers (real daemon, real model): no accuracies, and the result still fits the schema's required properties.</summary>
    [Fact]
    public async Task An_overview_of_a_dataset_without_answers_has_no_accuracies()
    {
        var folder = TestPaths.NewTempFolder("no-answers");
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var lines = File.ReadLines(TestPaths.DemoDataset).Take(6).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        foreach (var line in lines)
        {
            var image = line["image"]!.GetValue<string>();
            File.Copy(Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, image), Path.Combine(folder, image));
            line.Remove("answer");
        }

        var path = Path.Combine(folder, "samples.jsonl");
        await File.WriteAllLinesAsync(path, lines.Select(l => l.ToJsonString()));
        await using var daemon = await InProcessDaemon.StartAsync();
        var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString();
        var dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path })).GetProperty("datasetId").GetString();

        var overview = JsonNode.Parse((await daemon.Call<JsonElement>(ProtocolNames.ExplainDataset, new { modelId = model, datasetId = dataset, count = 6 })).GetRawText())!;

        Assert.Equal(0, overview["samplesWithAnswers"]!.GetValue<int>());
        Assert.Empty(overview["emap"]!.AsObject());
        Assert.Equal([], MissingRequired(overview, "DatasetResult", WireSchema.Document()["$defs"]!.AsObject(), "result"));
    }

    /// <summary>The required properties (by the schema) that a value lacks, all the way down.</summary>
    private static List<string> MissingRequired(JsonNode? value, string type, JsonObject defs, string path)
    {
        var missing = new List<string>();
        var def = defs[type]!;
        foreach (var name in def["required"]!.AsArray().Select(n => n!.GetValue<string>()))
        {
            if (value?[name] is null)
            {
                missing.Add($"{path}.{name}");
            }
        }

        foreach (var (name, schema) in def["properties"]!.AsObject())
        {
            var reference = schema!["$ref"] ?? schema["items"]?["$ref"];
            if (reference is null || value?[name] is not { } child)
            {
                continue;
            }

            var target = reference.GetValue<string>()["#/$defs/".Length..];
            foreach (var item in child is JsonArray items ? [.. items] : new JsonNode?[] { child })
            {
                missing.AddRange(MissingRequired(item, target, defs, $"{path}.{name}"));
            }
        }

        return missing;
    }

    /// <summary>What differs between two schema documents, by definition and property: added, removed, now required or optional, of another type.</summary>
    private static List<string> Drift(JsonNode committed, JsonNode current)
    {
        var drift = new List<string>();
        Compare(committed, current, "", drift);
        return drift;
    }

    private static void Compare(JsonNode? committed, JsonNode? current, string path, List<string> drift)
    {
        if (committed is JsonObject a && current is JsonObject b)
        {
            if (a["properties"] is JsonObject pa && b["properties"] is JsonObject pb)
            {
                var ra = Names(a["required"]);
                var rb = Names(b["required"]);
                foreach (var name in pa.Select(p => p.Key).Union(pb.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    var at = $"{path}.{name}";
                    if (!pb.ContainsKey(name))
                    {
                        drift.Add($"{at}: in the committed schema, no longer in the records");
                    }
                    else if (!pa.ContainsKey(name))
                    {
                        drift.Add($"{at}: in the records, not in the committed schema");
                    }
                    else
                    {
                        if (ra.Contains(name) != rb.Contains(name))
                        {
                            drift.Add($"{at}: {(ra.Contains(name) ? "required" : "optional")} in the committed schema, {(rb.Contains(name) ? "required" : "optional")} in the records");
                        }

                        Compare(pa[name], pb[name], at, drift);
                    }
                }
            }

            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Where(k => k is not "properties" and not "required").Order(StringComparer.Ordinal))
            {
                var at = path.Length == 0 ? key : $"{path}.{key}";
                if (a[key] is JsonObject or null && b[key] is JsonObject or null && (a[key] is not null || b[key] is not null) && (a.ContainsKey(key) && b.ContainsKey(key)))
                {
                    Compare(a[key], b[key], at, drift);
                }
                else if (!JsonNode.DeepEquals(a[key], b[key]))
                {
                    drift.Add($"{at}: {Show(a[key], a.ContainsKey(key))} in the committed schema, {Show(b[key], b.ContainsKey(key))} in the records");
                }
            }
        }
        else if (!JsonNode.DeepEquals(committed, current))
        {
            drift.Add($"{path}: {Show(committed, true)} in the committed schema, {Show(current, true)} in the records");
        }
    }

    private static HashSet<string> Names(JsonNode? list) => list is JsonArray array ? [.. array.Select(n => n!.GetValue<string>())] : [];

    private static string Show(JsonNode? node, bool present) => present ? node?.ToJsonString() ?? "null" : "absent";
}
