using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Files;

namespace Dime.Daemon.Sharding;

/// <summary>emap.json of a partial: who computed it, the samples every shard agrees to use, and how long it took.</summary>
internal sealed record EmapPartialInfo(ModelInfo Model, DeviceInfoDto Device, DatasetInfo Dataset, int Kept, IReadOnlyList<string> Skipped, int Rows, double ImagesMs, double ComputeMs);

/// <summary>
/// The EMAP overview's grid, one shard at a time and streamed. For the n samples of a slice (image a_i, text b_i),
/// EMAP needs per sample g1(a_i) = mean_j f(a_i, b_j), g2(b_i) = mean_j f(a_j, b_i) and f(a_i, b_i), and mu, the mean
/// of the whole grid. A shard evaluates the rows of its own samples against every text of the slice, a block of images
/// at a time, and writes:
///   rows.bin     per own sample: its index, sum_j f(a_i, b_j) (summed in j order) and f(a_i, b_i), per label;
///   columns.bin  per sample of the slice: sum over the shard's rows of f(a_r, b_j), per label, as exact fixed point.
/// Row sums never cross shards, and fixed-point column sums add up exactly in any order, so merged shards give the
/// very numbers of one process. Memory: one block of the grid, the shard's column sums (n x labels x 16 bytes).
/// </summary>
internal static class EmapPartial
{
    public const string InfoFile = "emap.json";
    public const string RowsFile = "rows.bin";
    public const string ColumnsFile = "columns.bin";
    private const int RowsPerBlock = 64;
    private const int CellsPerBlock = 1 << 24;

    /// <summary>2^48: a float logit below 2^79 / n fits, and the rounding (3.6e-15) is far below a float's precision.</summary>
    private const double FixedScale = 281474976710656.0;

    public static RunManifest Manifest(ModelEntry model, Dataset dataset, SampleRange slice, ShardSpec shard) => new(
        RunManifest.CurrentFormat,
        RunManifest.DatasetKind,
        new RunModel(model.Loaded.Name, model.Loaded.ContentHash),
        new RunDataset(dataset.Path, dataset.LastWriteUtc.Ticks, dataset.Samples.Count),
        new JsonObject { ["seed"] = 0 },
        null,
        slice,
        shard,
        shard.Of(slice));

    public static async Task<RunManifest> ComputeAsync(ModelEntry model, Dataset dataset, SampleRange slice, ShardSpec shard, string folder, IProgress<Explaining.ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var manifest = Manifest(model, dataset, slice, shard);
        Directory.CreateDirectory(folder);
        File.Delete(Path.Combine(folder, InfoFile));

        // Every shard decides alike which samples take part: those whose image can be read.
        var kept = new List<Sample>();
        var skipped = new List<string>();
        for (var i = slice.Start; i < slice.End; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                ImageLoader.Load(dataset.ImageFullPath(dataset.Samples[i]));
                kept.Add(dataset.Samples[i]);
            }
            catch (Exception e) when (ErrorCodes.Of(e) is not null)
            {
                skipped.Add($"{dataset.Samples[i].Id}: {e.Message}");
            }
        }

        if (kept.Count < 2)
        {
            throw new DaemonException(ErrorCode.DatasetInvalid, $"Only {kept.Count} image(s) of '{dataset.Path}' could be read; 2 are needed.", dataset.Path);
        }

        var imagesMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var n = kept.Count;
        var labels = model.Loaded.Labels.Count;
        var texts = kept.Select(s => s.Question).ToArray();
        var own = kept.Where(s => s.Index >= manifest.Samples.Start && s.Index < manifest.Samples.End).ToList();
        var firstOwn = kept.FindIndex(s => s.Index >= manifest.Samples.Start);
        var columnsPerBlock = Math.Max(1, CellsPerBlock / (RowsPerBlock * labels));
        var columns = new Int128[n * labels];

        await using (var rows = new BinaryWriter(File.Create(Path.Combine(folder, RowsFile))))
        {
            for (var first = 0; first < own.Count; first += RowsPerBlock)
            {
                var block = own.Skip(first).Take(RowsPerBlock).ToList();
                var images = new ImageList(
                    [.. block.Select(s => ImageLoader.Load(dataset.ImageFullPath(s)))],
                    [.. block.Select(s => (string?)$"{dataset.Id}#{s.Index}@{dataset.LastWriteUtc.Ticks}")]);
                var rowSums = new double[block.Count * labels];
                var diagonal = new double[block.Count * labels];
                for (var column = 0; column < n; column += columnsPerBlock)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var width = Math.Min(columnsPerBlock, n - column);
                    var grid = await Evaluate(model, images, new ArraySegment<string>(texts, column, width), cancellationToken).ConfigureAwait(false);
                    for (var r = 0; r < block.Count; r++)
                    {
                        var diagonalColumn = firstOwn + first + r - column;
                        for (var j = 0; j < width; j++)
                        {
                            var logits = grid.Row(r, j);
                            for (var c = 0; c < labels; c++)
                            {
                                rowSums[(r * labels) + c] += logits[c];
                                columns[((column + j) * labels) + c] += ToFixed(logits[c]);
                            }

                            if (j == diagonalColumn)
                            {
                                for (var c = 0; c < labels; c++)
                                {
                                    diagonal[(r * labels) + c] = logits[c];
                                }
                            }
                        }
                    }
                }

                for (var r = 0; r < block.Count; r++)
                {
                    rows.Write(block[r].Index);
                    for (var c = 0; c < labels; c++)
                    {
                        rows.Write(rowSums[(r * labels) + c]);
                    }

                    for (var c = 0; c < labels; c++)
                    {
                        rows.Write(diagonal[(r * labels) + c]);
                    }
                }

                progress?.Report(new Explaining.ProgressValue("dataset", (double)(first + block.Count) / own.Count));
            }
        }

        await using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, ColumnsFile))))
        {
            foreach (var sum in columns)
            {
                writer.Write((ulong)sum);
                writer.Write((long)(sum >> 64));
            }
        }

        var info = new EmapPartialInfo(ModelInfo.Of(model), DeviceInfoDto.Of(model.Loaded.Device), DatasetInfo.Of(dataset), n, skipped, own.Count,
            Math.Round(imagesMs, 1), Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1));
        manifest.Write(folder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, InfoFile), JsonSerializer.SerializeToUtf8Bytes(info, Json.Options));
        return manifest;
    }

    public static EmapPartialInfo ReadInfo(string folder)
    {
        var file = Path.Combine(folder, InfoFile);
        if (!File.Exists(file))
        {
            throw new DaemonException(ErrorCode.ResultNotFound, $"'{folder}' holds no {InfoFile}: its shard did not finish.", folder);
        }

        return JsonSerializer.Deserialize<EmapPartialInfo>(SafeFiles.ReadAllBytes(file, FileKind.CacheEntry), Json.Options)!;
    }

    public static Int128 ToFixed(float value) => (Int128)Math.Round(value * FixedScale);

    public static double FromFixed(Int128 sum) => (double)sum / FixedScale;

    private static async Task<LogitGrid> Evaluate(ModelEntry model, ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var grid = await model.Loaded.Model.EvaluateGridAsync(images, texts, cancellationToken).ConfigureAwait(false);
        if (grid.Values.Any(v => !float.IsFinite(v)))
        {
            throw new DaemonException(ErrorCode.ModelOutputInvalid, $"The model '{model.Loaded.Name}' returned NaN or infinite logits.", model.Loaded.ManifestPath);
        }

        return grid;
    }

    internal static string Describe(RunManifest manifest) =>
        string.Create(CultureInfo.InvariantCulture, $"shard {manifest.Shard} samples {manifest.Samples}");
}
