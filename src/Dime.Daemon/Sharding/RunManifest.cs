using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dime.Daemon.Protocol;
using Dime.Inference.Files;

namespace Dime.Daemon.Sharding;

internal sealed record RunModel(string Name, string Hash);

internal sealed record RunDataset(string Path, long Version, int Count);

/// <summary>The reference set DIME averages over: drawn from a dataset with a size, a seed, stratified or not.</summary>
internal sealed record RunReference(string DatasetPath, long Version, int Size, int Seed, bool Stratified);

/// <summary>
/// run.json, written first into every output folder of explain-dataset and dataset: what was asked (model hash, every
/// option, the reference set and its seed, the whole sample range) and which part of it this folder holds (the shard
/// and its samples). Partials that agree on everything but the part can be merged; a single process is shard 0/1.
/// </summary>
internal sealed record RunManifest(
    int Format, string Kind, RunModel Model, RunDataset Dataset, JsonObject Options, RunReference? Reference, SampleRange Range, ShardSpec Shard, SampleRange Samples)
{
    public const string FileName = "run.json";
    public const int CurrentFormat = 1;
    public const string ExplainDatasetKind = "explain-dataset";
    public const string DatasetKind = "dataset";

    /// <summary>A hash of everything that determines the numbers (not the shard): equal keys mean mergeable partials.</summary>
    [JsonIgnore]
    public string Key => Explaining.ResultStore.IdOf(Comparable().ToJsonString());

    public static RunManifest Read(string folder)
    {
        var file = Path.Combine(folder, FileName);
        if (!File.Exists(file))
        {
            throw new DaemonException(ErrorCode.ResultNotFound, $"'{folder}' holds no {FileName}: it is not the output of explain-dataset or dataset.", folder);
        }

        try
        {
            return JsonSerializer.Deserialize<RunManifest>(SafeFiles.ReadAllBytes(file, FileKind.CacheEntry), Json.Options)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{file}' cannot be read: {e.Message}", file, e);
        }
    }

    public static RunManifest? TryRead(string folder)
    {
        try
        {
            return File.Exists(Path.Combine(folder, FileName)) ? Read(folder) : null;
        }
        catch (Exception e) when (ErrorCodes.Of(e) is not null)
        {
            return null;
        }
    }

    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Indented));
    }

    /// <summary>The first setting in which <paramref name="other"/> differs from this run, as "path: this vs other"; null when none.</summary>
    public string? FirstDifference(RunManifest other)
    {
        var mine = Flatten(Comparable());
        var theirs = Flatten(other.Comparable());
        foreach (var path in mine.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
        {
            var a = mine.GetValueOrDefault(path, "(absent)");
            var b = theirs.GetValueOrDefault(path, "(absent)");
            if (a != b)
            {
                return $"{path}: {a} vs {b}";
            }
        }

        return null;
    }

    private static readonly JsonSerializerOptions Indented = new(Json.Options) { WriteIndented = true };

    private JsonObject Comparable()
    {
        var node = JsonSerializer.SerializeToNode(this, Json.Options)!.AsObject();
        node.Remove("shard");
        node.Remove("samples");
        return node;
    }

    private static Dictionary<string, string> Flatten(JsonNode node)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonNode? n, string path)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (name, child) in o)
                    {
                        Walk(child, path.Length == 0 ? name : $"{path}.{name}");
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{path}[{i}]");
                    }

                    break;
                default:
                    flat[path] = n?.ToJsonString() ?? "null";
                    break;
            }
        }

        Walk(node, string.Empty);
        return flat;
    }
}

/// <summary>Writes through a temporary file and a rename, so a reader never sees half a file.</summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    public static void WriteAllLines(string path, IEnumerable<string> lines)
    {
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, path, overwrite: true);
    }
}
