using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Engine.Imaging;

namespace Dime.Daemon.Reports;

/// <summary>
/// Writes a result's files into its folder: an overlay PNG per image part and reported label, the self-contained
/// HTML report and the JSON result itself.
/// </summary>
internal static class ArtifactWriter
{
    public const string ReportFile = "report.html";

    /// <summary>The labels worth files: the prediction, the ground truth, and the runners-up, in that order.</summary>
    public static IReadOnlyList<int> ReportedLabels(ExplanationResult result, int maxLabels = 4)
    {
        var labels = new List<int> { result.Prediction.Label };
        if (result.Sample.Answer is { } truth && result.Labels.ToList().IndexOf(truth) is var t && t >= 0)
        {
            labels.Add(t);
        }

        labels.AddRange(result.Prediction.Top.Select(a => a.Index));
        var explained = new HashSet<int>((result.Image?.Explanations ?? result.Text?.Explanations ?? []).Select(e => e.Label));
        return [.. labels.Distinct().Where(explained.Contains).Take(maxLabels)];
    }

    /// <summary>Writes the files into <paramref name="folder"/>; <paramref name="recordedFolder"/> is the folder the result names (where they will be).</summary>
    public static Artifacts Write(string folder, ExplanationResult result, RgbImage image, string? recordedFolder = null)
    {
        Directory.CreateDirectory(folder);
        var labels = ReportedLabels(result);
        var overlays = new List<Overlay>();
        var pngs = new Dictionary<(string Part, int Label), byte[]>();
        if (result.Image is { } explained)
        {
            foreach (var label in labels)
            {
                var e = explained.Explanations.First(x => x.Label == label);
                var scale = ColorScale.SharedScale(e.M.Weights, e.Uc.Weights, e.Mi.Weights,
                    result.Text?.Explanations.FirstOrDefault(x => x.Label == label) is { } t ? t.M.Weights.Concat(t.Uc.Weights).Concat(t.Mi.Weights) : []);
                foreach (var (part, weights) in new[] { ("m", e.M.Weights), ("uc", e.Uc.Weights), ("mi", e.Mi.Weights) })
                {
                    var png = OverlayRenderer.RenderPng(image, explained.Segmentation.Map, weights, scale);
                    var file = string.Create(CultureInfo.InvariantCulture, $"image-{part}-{label}-{Safe(result.Labels[label])}.png");
                    File.WriteAllBytes(Path.Combine(folder, file), png);
                    pngs[(part, label)] = png;
                    overlays.Add(new Overlay("image", part, label, file));
                }
            }
        }

        var artifacts = new Artifacts(recordedFolder ?? folder, ReportFile, "result.json", overlays);
        var html = HtmlReport.Render(result with { Artifacts = artifacts }, OverlayRenderer.EncodePng(image), (part, label) => pngs.GetValueOrDefault((part, label)), labels);
        File.WriteAllText(Path.Combine(folder, ReportFile), html);
        return artifacts;
    }

    public static IReadOnlyList<string> Export(string sourceFolder, string destination)
    {
        Directory.CreateDirectory(destination);
        var written = new List<string>();
        foreach (var file in Directory.EnumerateFiles(sourceFolder).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal) && Path.GetFileName(f) != Explaining.ResultStore.EntryFile))
        {
            var target = Path.Combine(destination, Path.GetFileName(file));
            File.Copy(file, target, overwrite: true);
            written.Add(target);
        }

        return written;
    }

    public static void WriteJson(string path, ExplanationResult result, JsonSerializerOptions json) =>
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(result, json));

    private static string Safe(string label) =>
        new([.. label.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').Take(32)]);
}
