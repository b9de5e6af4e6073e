namespace Dime.Daemon.Reports;

/// <summary>
/// The diverging scale every heatmap shares: negative weights blue, positive red, 0 transparent,
/// symmetric around 0 so that colours compare across M, UC and MI and across image and text.
/// The webview's twin is extension/webview/shared/colorScale.ts.
/// </summary>
internal static class ColorScale
{
    private static readonly (byte R, byte G, byte B) Negative = (33, 102, 172);
    private static readonly (byte R, byte G, byte B) Positive = (178, 24, 43);

    /// <summary>Colour and opacity (0..1) of a weight on a scale of +-<paramref name="scale"/>.</summary>
    public static (byte R, byte G, byte B, double Alpha) Of(double weight, double scale)
    {
        if (!(scale > 0) || !double.IsFinite(weight))
        {
            return (0, 0, 0, 0);
        }

        var t = Math.Clamp(Math.Abs(weight) / scale, 0, 1);
        var (r, g, b) = weight >= 0 ? Positive : Negative;
        return (r, g, b, t);
    }

    /// <summary>The largest |weight| over several weight lists: the half-width of a shared scale.</summary>
    public static double SharedScale(params IEnumerable<double>[] weights)
    {
        var max = 0.0;
        foreach (var list in weights)
        {
            foreach (var w in list)
            {
                if (double.IsFinite(w))
                {
                    max = Math.Max(max, Math.Abs(w));
                }
            }
        }

        return max;
    }
}
