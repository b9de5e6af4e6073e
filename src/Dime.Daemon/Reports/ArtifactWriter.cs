using System.Globalization;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Engine.Imaging;

namespace Dime.Daemon.Reports;

/// <summary>
/// A result's files: an overlay PNG per image part and reported label and the self-contained HTML report, drawn when
/// a result is exported (or written by the command line), never while it is computed.
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

    /// <summary>
    /// Where a result's files are: result.json in <paramref name="folder"/>, and the names under which the report and
    /// the overlays are written beside it when it is exported (they are drawn then, not when it is computed).
    /// </summary>
    public static Artifacts Describe(ExplanationResult result, string folder) =>
        new(folder, ReportFile, JsonFile, [.. OverlayFiles(result).Select(o => new Overlay("image", o.Part, o.Label, o.File))]);

    /// <summary>
    /// Draws the overlay PNGs and the HTML report of <paramref name="result"/> into <paramref name="folder"/>, over
    /// <paramref name="image"/> (the sample's image as it was explained); the result's JSON is the caller's.
    /// </summary>
    public static IReadOnlyList<string> Write(string folder, ExplanationResult result, RgbImage image)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var pngs = new Dictionary<(string Part, int Label), byte[]>();
        foreach (var (part, label, file, weights, scale) in OverlayFiles(result))
        {
            var png = OverlayRenderer.RenderPng(image, result.Image!.Segmentation.Map, weights, scale);
            var path = Path.Combine(folder, file);
            File.WriteAllBytes(path, png);
            written.Add(path);
            pngs[(part, label)] = png;
        }

        var html = HtmlReport.Render(result with { Artifacts = Describe(result, folder) }, OverlayRenderer.EncodePng(image), (part, label) => pngs.GetValueOrDefault((part, label)), ReportedLabels(result));
        var report = Path.Combine(folder, ReportFile);
        File.WriteAllText(report, html);
        written.Add(report);
        return written;
    }

    public const string JsonFile = "result.json";

    /// <summary>An overlay per image part and reported label: its file name, its weights and the colour scale it shares with the label's other parts.</summary>
    private static IEnumerable<(string Part, int Label, string File, IReadOnlyList<double> Weights, double Scale)> OverlayFiles(ExplanationResult result)
    {
        if (result.Image is not { } explained)
        {
            yield break;
        }

        foreach (var label in ReportedLabels(result))
        {
            var e = explained.Explanations.First(x => x.Label == label);
            var scale = ColorScale.SharedScale(e.M.Weights, e.Uc.Weights, e.Mi.Weights,
                result.Text?.Explanations.FirstOrDefault(x => x.Label == label) is { } t ? t.M.Weights.Concat(t.Uc.Weights).Concat(t.Mi.Weights) : []);
            foreach (var (part, weights) in new[] { ("m", e.M.Weights), ("uc", e.Uc.Weights), ("mi", e.Mi.Weights) })
            {
                yield return (part, label, string.Create(CultureInfo.InvariantCulture, $"image-{part}-{label}-{Safe(result.Labels[label])}.png"), weights, scale);
            }
        }
    }

    private static string Safe(string label) =>
        new([.. label.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').Take(32)]);
}
