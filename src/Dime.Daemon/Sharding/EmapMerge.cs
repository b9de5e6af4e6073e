using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Sharding;

/// <summary>
/// The EMAP overview from the partials of every shard (see <see cref="EmapPartial"/>), in one pass over the samples:
/// mu from the row sums, then per sample g1, g2 (the shards' exact column sums added) and f(a_i, b_i). Every sample's
/// line goes to samples.jsonl as it is computed; only the label totals and the top samples stay in memory.
/// </summary>
internal static class EmapMerge
{
    public const string ResultFile = "dataset.json";
    public const string SamplesFile = "samples.jsonl";

    /// <param name="partials">The shards' folders, ordered by their samples and checked to cover the slice once.</param>
    public static DatasetResult Finish(IReadOnlyList<(string Folder, RunManifest Manifest)> partials, string output, int top, Func<int, Workspace.Sample> sampleAt)
    {
        var started = Stopwatch.GetTimestamp();
        var infos = partials.Select(p => EmapPartial.ReadInfo(p.Folder)).ToList();
        var first = infos[0];
        for (var k = 1; k < infos.Count; k++)
        {
            if (infos[k].Kept != first.Kept || !infos[k].Skipped.SequenceEqual(first.Skipped))
            {
                throw new DaemonException(ErrorCode.InvalidArgument, $"'{partials[k].Folder}' read other images of the dataset than '{partials[0].Folder}' (was an image changed between the shards?).", partials[k].Folder);
            }
        }

        var n = first.Kept;
        var labels = first.Model.Labels;
        var l = labels.Count;
        if (infos.Sum(i => i.Rows) != n)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"The shards hold {infos.Sum(i => i.Rows)} rows of the grid; the slice has {n} readable samples.", partials[0].Folder);
        }

        // mu: every row sum, in sample order.
        var mu = new double[l];
        ForEachRow(partials, l, (_, rowSum, _) =>
        {
            for (var c = 0; c < l; c++)
            {
                mu[c] += rowSum[c];
            }
        });
        for (var c = 0; c < l; c++)
        {
            mu[c] /= (double)n * n;
        }

        var labelIndex = labels.Select((name, c) => (name, c)).GroupBy(p => p.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().c, StringComparer.Ordinal);
        var sumAbsUc = new double[l];
        var sumAbsMi = new double[l];
        var predictedCounts = new int[l];
        int withAnswers = 0, correct = 0, projectedCorrect = 0;
        var best = new List<(EmapSample Emap, InteractionSample Line)>();
        var columns = partials.Select(p => new BinaryReader(File.OpenRead(Path.Combine(p.Folder, EmapPartial.ColumnsFile)))).ToList();
        Directory.CreateDirectory(output);
        var samplesFile = Path.Combine(output, SamplesFile);
        try
        {
            using var lines = new StreamWriter(samplesFile + ".tmp");
            var columnSum = new Int128[l];
            var f = new double[l];
            var uc = new double[l];
            var position = 0;
            ForEachRow(partials, l, (index, rowSum, diagonal) =>
            {
                Array.Clear(columnSum);
                foreach (var reader in columns)
                {
                    for (var c = 0; c < l; c++)
                    {
                        var low = reader.ReadUInt64();
                        var high = reader.ReadInt64();
                        columnSum[c] += ((Int128)high << 64) | low;
                    }
                }

                for (var c = 0; c < l; c++)
                {
                    f[c] = diagonal[c];
                    uc[c] = (rowSum[c] / n) + (EmapPartial.FromFixed(columnSum[c]) / n) - mu[c];
                    sumAbsUc[c] += Math.Abs(uc[c]);
                    sumAbsMi[c] += Math.Abs(f[c] - uc[c]);
                }

                var sample = sampleAt(index);
                var answer = sample.Answer is { } name && labelIndex.TryGetValue(name, out var a) ? a : -1;
                var emap = EmapAnalysis.Decompose(position++, answer, f, uc);
                predictedCounts[emap.Predicted]++;
                if (answer >= 0)
                {
                    withAnswers++;
                    correct += emap.Predicted == answer ? 1 : 0;
                    projectedCorrect += emap.ProjectedPrediction == answer ? 1 : 0;
                }

                var line = new InteractionSample(index, sample.Id, sample.Question, sample.Answer, emap.Predicted, emap.ProjectedPrediction, emap.UC + emap.MI, emap.UC, emap.MI, emap.InteractionShare);
                lines.WriteLine(JsonSerializer.Serialize(line, Json.Options));
                best.Add((emap, line));
                if (best.Count >= 2 * top + 64)
                {
                    best = [.. best.OrderBy(b => b.Emap, EmapAnalysis.ByInteraction).Take(top)];
                }
            });
        }
        finally
        {
            columns.ForEach(c => c.Dispose());
        }

        File.Move(samplesFile + ".tmp", samplesFile, overwrite: true);
        double? accuracy = withAnswers == 0 ? null : (double)correct / withAnswers;
        double? projected = withAnswers == 0 ? null : (double)projectedCorrect / withAnswers;
        var run = partials[0].Manifest;
        var slice = run.Range;
        var invariant = CultureInfo.InvariantCulture;
        return new DatasetResult(
            Explaining.ResultStore.IdOf("dataset", Versions.Current.Daemon, run.Model.Hash, first.Dataset.DatasetId, run.Dataset.Version.ToString(invariant), slice.Start.ToString(invariant), slice.Count.ToString(invariant)),
            first.Model,
            first.Device,
            first.Dataset,
            slice.Start,
            n,
            withAnswers,
            labels,
            new Emap(accuracy, projected, accuracy - projected),
            [.. Enumerable.Range(0, l).Select(c =>
            {
                var total = sumAbsUc[c] + sumAbsMi[c];
                return new LabelShare(c, predictedCounts[c], total > 0 ? sumAbsUc[c] / total : 0, total > 0 ? sumAbsMi[c] / total : 0);
            })],
            [.. best.OrderBy(b => b.Emap, EmapAnalysis.ByInteraction).Take(top).Select(b => b.Line)],
            first.Skipped,
            new JsonObject { ["seed"] = 0, ["offset"] = slice.Start, ["count"] = slice.Count, ["topSamples"] = top },
            new Dictionary<string, double>
            {
                ["images"] = Math.Round(infos.Sum(i => i.ImagesMs), 1),
                ["shards"] = Math.Round(infos.Sum(i => i.ComputeMs), 1),
                ["merge"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
            });
    }

    /// <summary>Reads every own row of every partial, in sample order: its index, sum_j f(a_i, b_j) and f(a_i, b_i).</summary>
    private static void ForEachRow(IReadOnlyList<(string Folder, RunManifest Manifest)> partials, int labels, Action<int, double[], double[]> visit)
    {
        var rowSum = new double[labels];
        var diagonal = new double[labels];
        foreach (var (folder, _) in partials)
        {
            using var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, EmapPartial.RowsFile)));
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var index = reader.ReadInt32();
                for (var c = 0; c < labels; c++)
                {
                    rowSum[c] = reader.ReadDouble();
                }

                for (var c = 0; c < labels; c++)
                {
                    diagonal[c] = reader.ReadDouble();
                }

                visit(index, rowSum, diagonal);
            }
        }
    }
}
