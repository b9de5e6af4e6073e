using Dime.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dime.Daemon.Reports;

/// <summary>Draws per-segment weights over an image as a PNG, for reports and exports.</summary>
internal static class OverlayRenderer
{
    public const double Opacity = ColorScale.DefaultOpacity;

    public static byte[] RenderPng(RgbImage image, IReadOnlyList<int> segmentMap, IReadOnlyList<double> weights, double scale, bool borders = true)
    {
        var w = image.Width;
        var h = image.Height;
        if (segmentMap.Count != w * h)
        {
            throw new ArgumentException($"The segment map has {segmentMap.Count} entries for a {w}x{h} image.", nameof(segmentMap));
        }

        var colours = weights.Select(v => ColorScale.Of(v, scale)).ToArray();
        using var output = new Image<Rgb24>(w, h);
        output.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < w; x++)
                {
                    var i = (y * w) + x;
                    var segment = segmentMap[i];
                    var (r, g, b, alpha) = segment >= 0 && segment < colours.Length ? colours[segment] : default;
                    var a = alpha * Opacity;
                    var p = i * 3;
                    // the heat goes over a light grey copy, so that its colours never mix with the scene's own
                    var grey = (0.299 * image.Pixels[p]) + (0.587 * image.Pixels[p + 1]) + (0.114 * image.Pixels[p + 2]);
                    var under = (0.55 * grey) + (0.45 * 255);
                    byte Blend(byte over) => (byte)Math.Round((under * (1 - a)) + (over * a));
                    var pixel = new Rgb24(Blend(r), Blend(g), Blend(b));
                    if (borders && IsBorder(segmentMap, w, h, x, y))
                    {
                        pixel = new Rgb24(255, 255, 255);
                    }

                    row[x] = pixel;
                }
            }
        });
        using var stream = new MemoryStream();
        output.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>The image itself as a PNG (the report embeds it beside the overlays).</summary>
    public static byte[] EncodePng(RgbImage image)
    {
        using var output = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
        using var stream = new MemoryStream();
        output.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static bool IsBorder(IReadOnlyList<int> map, int w, int h, int x, int y)
    {
        var s = map[(y * w) + x];
        return (x + 1 < w && map[(y * w) + x + 1] != s) || (y + 1 < h && map[((y + 1) * w) + x] != s);
    }
}
