using System.Globalization;
using System.Text;

namespace Dime.Daemon.Reports;

/// <summary>
/// The one diverging colour scale of every heatmap, in the HTML report and in the extension's panels:
/// blue for negative weights, red for positive, symmetric around 0 (ColorBrewer RdBu, readable for common
/// colour-vision deficiencies). A weight's hue skips the near-white middle (a visible feature always shows
/// its sign) and its opacity carries the magnitude. This class is the source: <see cref="TypeScript"/>
/// generates extension/webview/shared/colorScale.generated.ts (a test keeps the two equal).
/// </summary>
internal static class ColorScale
{
    /// <summary>RdBu stops from t = -1 (dark blue) through 0 (near white) to +1 (dark red).</summary>
    public static readonly IReadOnlyList<(byte R, byte G, byte B)> Stops =
    [
        (5, 48, 97),
        (33, 102, 172),
        (103, 169, 207),
        (247, 247, 247),
        (239, 138, 98),
        (178, 24, 43),
        (103, 0, 31),
    ];

    /// <summary>Where on the diverging ramp the weakest visible weight starts (its hue is never white).</summary>
    public const double HueFloor = 0.3;

    /// <summary>Opacity of the weakest visible weight; the strongest is fully opaque (times the user's opacity).</summary>
    public const double AlphaFloor = 0.25;

    /// <summary>How opaque the heat is over the image: the report's overlays, and the panel's until the user moves its slider.</summary>
    public const double DefaultOpacity = 0.6;

    /// <summary>The colour at t in [-1, 1] on the ramp, interpolated between the stops.</summary>
    public static (byte R, byte G, byte B) Diverging(double t)
    {
        var x = (Math.Clamp(double.IsFinite(t) ? t : 0, -1, 1) + 1) / 2 * (Stops.Count - 1);
        var i = Math.Min(Stops.Count - 2, (int)Math.Floor(x));
        var f = x - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        static byte Mix(byte p, byte q, double f) => (byte)Math.Round(p + ((q - p) * f), MidpointRounding.AwayFromZero);
        return (Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
    }

    /// <summary>Colour and opacity (0..1) of a weight on a scale of +-<paramref name="scale"/>; 0 or no scale is transparent.</summary>
    public static (byte R, byte G, byte B, double Alpha) Of(double weight, double scale, double opacity = 1)
    {
        if (!(scale > 0) || !double.IsFinite(weight) || weight == 0)
        {
            return (0, 0, 0, 0);
        }

        var t = Math.Clamp(weight / scale, -1, 1);
        var (r, g, b) = Diverging(Math.Sign(t) * (HueFloor + ((1 - HueFloor) * Math.Abs(t))));
        return (r, g, b, Math.Clamp(opacity, 0, 1) * (AlphaFloor + ((1 - AlphaFloor) * Math.Abs(t))));
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

    /// <summary>A CSS gradient of the scale at full opacity (the report's legend).</summary>
    public static string CssGradient()
    {
        var stops = Enumerable.Range(0, 21).Select(k =>
        {
            var (r, g, b, a) = Of((k - 10) / 10.0, 1);
            return k == 10 ? "rgba(0,0,0,0)" : string.Create(CultureInfo.InvariantCulture, $"rgba({r},{g},{b},{a:0.###})");
        });
        return $"linear-gradient(90deg, {string.Join(", ", stops)})";
    }

    /// <summary>
    /// The extension's copy of the scale's constants, plus colours computed here at a few points for the
    /// extension's own test to match.
    /// </summary>
    public static string TypeScript()
    {
        var s = new StringBuilder();
        s.Append("// Generated from src/Dime.Daemon/Reports/ColorScale.cs by tests/Dime.Daemon.Tests/ColorScaleContractTests.cs: do not edit.\n");
        s.Append("// Regenerate: DIME_UPDATE_GENERATED=1 dotnet test tests/Dime.Daemon.Tests -c Release --filter ColorScaleContract\n");
        s.Append("export type Rgb = [number, number, number];\n\n");
        s.Append("/** RdBu stops from t = -1 (dark blue) through 0 to +1 (dark red). */\n");
        s.Append("export const STOPS: readonly Rgb[] = [\n");
        foreach (var (r, g, b) in Stops)
        {
            s.Append(CultureInfo.InvariantCulture, $"  [{r}, {g}, {b}],\n");
        }

        s.Append("];\n\n");
        s.Append(CultureInfo.InvariantCulture, $"/** Where the weakest visible weight starts on the ramp (never white). */\nexport const HUE_FLOOR = {HueFloor};\n\n");
        s.Append(CultureInfo.InvariantCulture, $"/** Opacity of the weakest visible weight. */\nexport const ALPHA_FLOOR = {AlphaFloor};\n\n");
        s.Append(CultureInfo.InvariantCulture, $"/** How opaque the heat is over the image until the user changes it (the report's overlays use it too). */\nexport const DEFAULT_OPACITY = {DefaultOpacity};\n\n");
        s.Append("/** [t, r, g, b, alpha] as the daemon computes them (weight t on a scale of 1, full opacity). */\n");
        s.Append("export const REFERENCE_COLOURS: readonly (readonly [number, number, number, number, number])[] = [\n");
        foreach (var t in new[] { -1, -0.75, -0.5, -0.2, -0.01, 0, 0.01, 0.2, 0.5, 0.75, 1 })
        {
            var (r, g, b, a) = Of(t, 1);
            s.Append(CultureInfo.InvariantCulture, $"  [{t}, {r}, {g}, {b}, {a:0.######}],\n");
        }

        s.Append("];\n");
        return s.ToString();
    }
}
