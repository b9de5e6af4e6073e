using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;
using Dime.Daemon.Workspace;

namespace Dime.Daemon.Sharding;

/// <summary>What merge wrote: the kind of run, how many partials and samples, and the output folder.</summary>
internal sealed record MergeSummary(string Kind, int Partials, int Samples, string Output);

/// <summary>
/// merge: the partial outputs of the shards of one run into the output a single process writes. Refuses partials of
/// different runs (naming the odd one and the setting it differs in), missing or doubled samples, and unfinished shards.
/// </summary>
internal static class PartialMerge
{
    public static MergeSummary Merge(IReadOnlyList<string> folders, string output, int top, DatasetRegistry datasets)
    {
        if (folders.Count == 0)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, "merge needs the output folders of the shards.", "folders");
        }

        var full = Path.GetFullPath(output);
        var partials = folders.Select(f => (Folder: Path.GetFullPath(f), Manifest: RunManifest.Read(f))).ToList();
        if (partials.Any(p => p.Folder == full))
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"--out '{output}' is one of the partials; merge into a new folder.", "--out");
        }

        CheckCompatible(partials);
        partials = CheckCoverage(partials);
        var run = partials[0].Manifest with { Shard = ShardSpec.Whole, Samples = partials[0].Manifest.Range };
        Directory.CreateDirectory(full);
        return run.Kind switch
        {
            RunManifest.ExplainDatasetKind => MergeExplanations(partials, run, full),
            RunManifest.DatasetKind => MergeEmap(partials, run, full, top, datasets),
            var other => throw new DaemonException(ErrorCode.InvalidArgument, $"'{partials[0].Folder}' is a '{other}' run, which this daemon cannot merge.", partials[0].Folder),
        };
    }

    /// <summary>All partials must share kind, model, dataset, options, reference set and range; the odd one is named.</summary>
    private static void CheckCompatible(List<(string Folder, RunManifest Manifest)> partials)
    {
        var groups = partials.GroupBy(p => p.Manifest.Key).OrderByDescending(g => g.Count()).ThenBy(g => partials.FindIndex(p => p.Manifest.Key == g.Key)).ToList();
        if (groups.Count == 1)
        {
            return;
        }

        var usual = groups[0].First();
        var odd = groups[1].First();
        throw new DaemonException(
            ErrorCode.InvalidArgument,
            $"'{odd.Folder}' belongs to another run than '{usual.Folder}': {odd.Manifest.FirstDifference(usual.Manifest) ?? "settings differ"} (its value first).",
            odd.Folder);
    }

    /// <summary>The partials in sample order, checked to cover the run's range exactly once.</summary>
    private static List<(string Folder, RunManifest Manifest)> CheckCoverage(List<(string Folder, RunManifest Manifest)> partials)
    {
        var ordered = partials.OrderBy(p => p.Manifest.Samples.Start).ThenBy(p => p.Manifest.Samples.End).ToList();
        var range = ordered[0].Manifest.Range;
        var next = range.Start;
        string? previous = null;
        foreach (var (folder, manifest) in ordered)
        {
            if (manifest.Samples.Start > next)
            {
                throw new DaemonException(ErrorCode.InvalidArgument, $"Samples {next}:{manifest.Samples.Start} are missing: no partial holds them (a shard of {manifest.Shard.Count} not given?).", folder);
            }

            if (manifest.Samples.Start < next)
            {
                throw new DaemonException(ErrorCode.InvalidArgument, $"Samples {manifest.Samples.Start}:{Math.Min(next, manifest.Samples.End)} are in both '{previous}' and '{folder}'.", folder);
            }

            next = manifest.Samples.End;
            previous = folder;
        }

        if (next != range.End)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"Samples {next}:{range.End} are missing: no partial holds them.", ordered[^1].Folder);
        }

        return ordered;
    }

    private static MergeSummary MergeExplanations(List<(string Folder, RunManifest Manifest)> partials, RunManifest run, string output)
    {
        var key = run.Key;
        var lines = new List<string>();
        foreach (var (folder, manifest) in partials)
        {
            var own = IndexLine.Read(Path.Combine(folder, IndexLine.FileName))
                .Where(l => l.Key == key && l.Index >= manifest.Samples.Start && l.Index < manifest.Samples.End)
                .GroupBy(l => l.Index).ToDictionary(g => g.Key, g => g.Last());
            var missing = Enumerable.Range(manifest.Samples.Start, manifest.Samples.Count)
                .Where(i => !own.TryGetValue(i, out var line) || (line.Result is { } r && !File.Exists(Path.Combine(folder, r)))).ToList();
            if (missing.Count > 0)
            {
                throw new DaemonException(
                    ErrorCode.InvalidArgument,
                    $"'{folder}' (shard {manifest.Shard}) is unfinished: {missing.Count} of its samples have no result ({string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : string.Empty)}); run the shard again, it resumes.",
                    folder);
            }

            foreach (var line in own.Values.OrderBy(l => l.Index))
            {
                if (line.Result is { } relative)
                {
                    CopyFolder(Path.GetDirectoryName(Path.Combine(folder, relative))!, Path.GetDirectoryName(Path.Combine(output, relative))!);
                }

                lines.Add(line.ToJson());
            }
        }

        run.Write(output);
        AtomicFile.WriteAllLines(Path.Combine(output, IndexLine.FileName), lines);
        return new MergeSummary(run.Kind, partials.Count, lines.Count, output);
    }

    private static MergeSummary MergeEmap(List<(string Folder, RunManifest Manifest)> partials, RunManifest run, string output, int top, DatasetRegistry datasets)
    {
        var dataset = datasets.Open(run.Dataset.Path);
        if (dataset.LastWriteUtc.Ticks != run.Dataset.Version)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{run.Dataset.Path}' changed after the shards read it; compute them again.", run.Dataset.Path);
        }

        var result = EmapMerge.Finish(partials, output, top, i => dataset.Samples[i]);
        WriteOverview(output, result);
        run.Write(output);
        return new MergeSummary(run.Kind, partials.Count, result.Count, output);
    }

    /// <summary>dataset.json and dataset.html of an EMAP overview (samples.jsonl is written while it is computed).</summary>
    public static void WriteOverview(string folder, Protocol.DatasetResult result)
    {
        AtomicFile.WriteAllBytes(Path.Combine(folder, EmapMerge.ResultFile), JsonSerializer.SerializeToUtf8Bytes(result, Json.Options));
        File.WriteAllText(Path.Combine(folder, "dataset.html"), DatasetReport.Render(result, result.Model.Name, result.Dataset.Path));
    }

    private static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        }
    }

    internal static string Describe(MergeSummary summary) =>
        string.Create(CultureInfo.InvariantCulture, $"merged {summary.Partials} partial(s) of a {summary.Kind} run: {summary.Samples} samples into {summary.Output}");
}
