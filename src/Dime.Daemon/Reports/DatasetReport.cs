using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Reports;

/// <summary>The dataset overview as a self-contained HTML page: the EMAP gap, UC and MI per label, the most interactive samples.</summary>
internal static class DatasetReport
{
    public static string Render(DatasetResult result, string modelName, string datasetPath)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .Append("<title>DIME dataset overview</title><style>")
            .Append("body{font:14px/1.45 system-ui,sans-serif;margin:24px;max-width:1000px;color:#1f2328}table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left}")
            .Append(".bar{display:inline-block;height:10px}.uc{background:#6e7781}.mi{background:#b2182b}.num{font-family:ui-monospace,monospace;text-align:right}")
            .Append("</style></head><body>");
        html.Append("<h1>Dataset overview</h1><p>Model ").Append(E(modelName)).Append(" on ").Append(E(datasetPath))
            .Append(", samples ").Append(result.Offset).Append("–").Append(result.Offset + result.Count - 1).Append("</p>");
        if (result.Emap.Accuracy is { } accuracy && result.Emap.ProjectedAccuracy is { } additive)
        {
            html.Append("<p><b>EMAP gap ").Append(P(result.Emap.Gap ?? 0)).Append("</b>: the model is right on ").Append(P(accuracy))
                .Append(" of the samples with an answer; its additive projection (UC alone, no interactions) on ").Append(P(additive)).Append(".</p>");
        }

        html.Append("<h2>Unimodal contributions and interactions per label</h2><table><tr><th>label</th><th>predicted</th><th>share of |UC| and |MI|</th></tr>");
        foreach (var label in result.PerLabel.OrderByDescending(l => l.Count))
        {
            html.Append("<tr><td>").Append(E(result.Labels[label.Label])).Append("</td><td class=\"num\">").Append(label.Count)
                .Append("</td><td><span class=\"bar uc\" style=\"width:").Append(F(label.UcShare * 200, "0")).Append("px\"></span><span class=\"bar mi\" style=\"width:")
                .Append(F(label.MiShare * 200, "0")).Append("px\"></span> MI ").Append(P(label.MiShare)).Append("</td></tr>");
        }

        html.Append("</table><h2>Samples most driven by interactions</h2><table><tr><th>#</th><th>question</th><th>answer</th><th>predicted</th><th>additive</th><th>UC</th><th>MI</th><th>MI share</th></tr>");
        foreach (var s in result.Samples)
        {
            html.Append("<tr><td>").Append(s.Index).Append("</td><td>").Append(E(s.Question)).Append("</td><td>").Append(E(s.Answer ?? "")).Append("</td><td>").Append(E(result.Labels[s.Predicted]))
                .Append("</td><td>").Append(E(s.Projected >= 0 ? result.Labels[s.Projected] : "?")).Append("</td><td class=\"num\">").Append(F(s.Uc)).Append("</td><td class=\"num\">").Append(F(s.Mi))
                .Append("</td><td class=\"num\">").Append(P(s.MiShare)).Append("</td></tr>");
        }

        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);

    private static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string P(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
