using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Reports;

/// <summary>
/// A self-contained HTML page for one explanation: images inline as data URIs, no script, a CSP that
/// forbids anything else, and every piece of dataset text encoded, so a question with markup stays text.
/// </summary>
internal static class HtmlReport
{
    private static readonly string[] PartNames = ["m", "uc", "mi"];

    /// <param name="imagePng">The input image as PNG.</param>
    /// <param name="overlayPng">The overlay PNG of (part, label), or null when the image was not explained.</param>
    public static string Render(ExplanationResult result, byte[] imagePng, Func<string, int, byte[]?> overlayPng, IReadOnlyList<int> labels)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>DIME: ").Append(E(result.Sample.Question)).Append("</title><style>").Append(Css.Replace("{{LEGEND_GRADIENT}}", ColorScale.CssGradient(), StringComparison.Ordinal)).Append("</style></head><body>");

        html.Append("<header><h1>Why did the model answer <q>").Append(E(result.Labels[result.Prediction.Label])).Append("</q>?</h1>")
            .Append("<p class=\"question\">").Append(E(result.Sample.Question)).Append("</p>")
            .Append("<p class=\"meta\">Model ").Append(E(result.Model.Name)).Append(" · sample ").Append(E(result.Sample.Id))
            .Append(result.Sample.Answer is { } truth ? " · ground truth <b>" + E(truth) + "</b>" : string.Empty)
            .Append(" · ").Append(E(result.Device.Kind.ToUpperInvariant())).Append("</p></header>");

        html.Append("<section class=\"top\"><img class=\"input\" alt=\"input image\" src=\"").Append(DataUri(imagePng)).Append("\"><table><tr><th>answer</th><th>probability</th><th>logit</th></tr>");
        foreach (var answer in result.Prediction.Top)
        {
            html.Append("<tr><td>").Append(E(answer.Label)).Append("</td><td>").Append(F(answer.Probability * 100, "0.0")).Append(" %</td><td>").Append(F(answer.Logit)).Append("</td></tr>");
        }

        html.Append("</table></section>");

        foreach (var label in labels)
        {
            AppendLabel(html, result, label, overlayPng);
        }

        html.Append("<section><h2>Settings</h2><table>");
        foreach (var (key, value) in result.Settings)
        {
            html.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(value?.ToJsonString() ?? "null")).Append("</td></tr>");
        }

        html.Append("<tr><td>device</td><td>").Append(E(result.Device.Name)).Append(result.Device.FallbackReason is { } why ? " (" + E(why) + ")" : string.Empty).Append("</td></tr>");
        html.Append("<tr><td>timings</td><td>").Append(E(string.Join(", ", result.Timings.Select(t => t.Key.StartsWith("runs.", StringComparison.Ordinal) || t.Key.StartsWith("rows.", StringComparison.Ordinal) ? $"{t.Key} {t.Value:0}" : $"{t.Key} {t.Value:0} ms")))).Append("</td></tr>");
        if (result.Provenance is { } p)
        {
            foreach (var (key, value) in ProvenanceRows(p))
            {
                html.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(value)).Append("</td></tr>");
            }
        }

        html.Append("</table><p class=\"meta\">Made by DIME for VS Code. UC: unimodal contributions; MI: multimodal interactions; M = UC + MI. ")
            .Append("Weights are LIME surrogate coefficients in logit units; R² is the surrogate's weighted fit.</p></section></body></html>");
        return html.ToString();
    }

    /// <summary>The inputs with their SHA-256 (first 12 digits), as `reproduce result.json` checks them.</summary>
    private static IEnumerable<(string Key, string Value)> ProvenanceRows(Provenance p)
    {
        yield return ("model", $"{p.Model.ManifestPath} · sha256 {p.Model.Hash[..12]}");
        if (p.Sample.DatasetPath is { } dataset)
        {
            yield return ("dataset", $"{dataset}{(p.Sample.Line is { } line ? $" · line {line}" : string.Empty)} · sha256 {p.Sample.DatasetHash?[..12]}");
        }

        yield return ("image", $"{p.Sample.ImagePath} · sha256 {p.Sample.ImageHash[..12]}");
        yield return ("reference", $"{p.Reference.Ids.Count} samples of {p.Reference.DatasetPath} (seed {p.Reference.Seed}) · sha256 {p.Reference.DatasetHash[..12]} · images sha256 {p.Reference.ImagesHash[..12]}");
        yield return ("software", $"DIME {p.Environment.Daemon} · .NET {p.Environment.Dotnet} · ONNX Runtime {p.Environment.OnnxRuntime} · {p.Environment.Architecture} {p.Environment.Simd} · {p.Environment.DeviceName}");
        yield return ("reproduce", "Dime.Daemon reproduce result.json");
    }

    private static void AppendLabel(StringBuilder html, ExplanationResult result, int label, Func<string, int, byte[]?> overlayPng)
    {
        var values = result.Values.First(v => v.Label == label);
        var image = result.Image?.Explanations.FirstOrDefault(e => e.Label == label);
        var text = result.Text?.Explanations.FirstOrDefault(e => e.Label == label);
        var scale = ColorScale.SharedScale([.. Parts(image).Concat(Parts(text)).Select(p => p.Weights)]);
        html.Append("<section class=\"label\"><h2>").Append(E(result.Labels[label])).Append("</h2><p class=\"values\">logit ")
            .Append(F(values.Logit)).Append(" = UC ").Append(F(values.Uc)).Append(" + MI ").Append(F(values.Mi)).Append("</p>")
            .Append("<div class=\"legend\"><span>−").Append(F(scale)).Append("</span><i></i><span>+").Append(F(scale)).Append("</span></div>")
            .Append("<table class=\"grid\"><tr><th></th>").Append(image is null ? string.Empty : "<th>image regions</th>").Append(text is null ? string.Empty : "<th>words</th>").Append("</tr>");
        for (var p = 0; p < PartNames.Length; p++)
        {
            html.Append("<tr><th>").Append(PartNames[p].ToUpperInvariant()).Append("</th>");
            if (image is not null)
            {
                var part = Parts(image)[p];
                html.Append("<td><img class=\"overlay\" alt=\"").Append(PartNames[p]).Append(" overlay\" src=\"").Append(DataUri(overlayPng(PartNames[p], label) ?? [])).Append("\">")
                    .Append("<span class=\"badge\">R² ").Append(F(part.R2, "0.00")).Append("</span>")
                    .Append(StabilityBadge(result.Image?.Bootstrap, label, p)).Append("</td>");
            }

            if (text is not null && result.Text is { } textResult)
            {
                var part = Parts(text)[p];
                html.Append("<td class=\"words\">");
                foreach (var token in textResult.Tokens)
                {
                    if (token.Feature < 0)
                    {
                        html.Append(E(token.Text));
                        continue;
                    }

                    var weight = part.Weights[token.Feature];
                    var (r, g, b, a) = ColorScale.Of(weight, scale);
                    html.Append("<span title=\"").Append(F(weight)).Append("\" style=\"background: rgba(").Append(r).Append(',').Append(g).Append(',').Append(b).Append(',')
                        .Append(F(a * OverlayRenderer.Opacity, "0.00")).Append(")\">").Append(E(token.Text)).Append("</span>");
                }

                html.Append("<span class=\"badge\">R² ").Append(F(part.R2, "0.00")).Append("</span>")
                    .Append(StabilityBadge(textResult.Bootstrap, label, p)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table></section>");
    }

    /// <summary>The bootstrap stability of part <paramref name="part"/> (M, UC, MI) of a label: mean top-k overlap and Spearman of the refits.</summary>
    private static string StabilityBadge(Engine.Quality.BootstrapReport? bootstrap, int label, int part)
    {
        if (bootstrap?.Labels.FirstOrDefault(l => l.Label == label) is not { } stability)
        {
            return string.Empty;
        }

        var figures = part switch { 0 => stability.M, 1 => stability.UC, _ => stability.MI };
        return $"<span class=\"badge\" title=\"bootstrap over the rows, B = {bootstrap.Resamples}\">top-{bootstrap.TopK} stable {F(figures.MeanTopKOverlap, "0.00")}, ρ {F(figures.MeanSpearman, "0.00")}</span>";
    }

    private static Part[] Parts(LabelExplanationDto? explanation) => explanation is null ? [] : [explanation.M, explanation.Uc, explanation.Mi];

    private static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static string E(string text) => HtmlEncoder.Default.Encode(text);

    private static string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);

    private const string Css = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; max-width: 1100px; }
        h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 4px; }
        .question { font-size: 16px; margin: 4px 0; } .meta { color: #59636e; }
        .top { display: flex; gap: 24px; align-items: flex-start; }
        img.input, img.overlay { width: 256px; height: 256px; image-rendering: pixelated; border-radius: 4px; }
        table { border-collapse: collapse; } td, th { padding: 4px 8px; text-align: left; vertical-align: top; }
        .grid td { border-top: 1px solid #d1d9e0; } .words { font-size: 18px; max-width: 420px; }
        .words span { border-radius: 3px; padding: 1px 2px; }
        .badge { display: inline-block; margin-left: 8px; font-size: 12px; color: #59636e; border: 1px solid #d1d9e0; border-radius: 8px; padding: 0 6px; }
        .values { font-family: ui-monospace, monospace; }
        .legend { display: flex; align-items: center; gap: 6px; font-size: 12px; }
        .legend i { display: inline-block; width: 200px; height: 10px; background: {{LEGEND_GRADIENT}}; }
        """;
}
