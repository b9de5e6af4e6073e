namespace Dime.Engine.Imaging;

/// <summary>
/// sRGB to CIE Lab (D65, 2 degree observer) in double precision, with scikit-image 0.19's constants and order of
/// operations (img_as_float multiplies by 1/255, rgb2xyz, xyz2lab with the 0.008856 threshold and 7.787 slope).
/// </summary>
internal static class CieLab
{
    private static readonly double[] LinearByByte = BuildLinearTable();

    /// <summary>L, a, b per pixel, interleaved like the input.</summary>
    public static double[] FromRgb(RgbImage image, CancellationToken cancellationToken = default)
    {
        var lab = new double[image.PixelCount * 3];
        var pixels = image.Pixels;
        Parallel.For(0, image.Height, new ParallelOptions { CancellationToken = cancellationToken }, row =>
        {
            var start = row * image.Width * 3;
            var end = start + (image.Width * 3);
            for (var i = start; i < end; i += 3)
            {
                Convert(pixels[i], pixels[i + 1], pixels[i + 2], lab.AsSpan(i, 3));
            }
        });
        return lab;
    }

    public static void Convert(byte red, byte green, byte blue, Span<double> lab)
    {
        var r = LinearByByte[red];
        var g = LinearByByte[green];
        var b = LinearByByte[blue];
        var x = (r * 0.412453) + (g * 0.357580) + (b * 0.180423);
        var y = (r * 0.212671) + (g * 0.715160) + (b * 0.072169);
        var z = (r * 0.019334) + (g * 0.119193) + (b * 0.950227);
        var fx = Compand(x / 0.95047);
        var fy = Compand(y / 1.0);
        var fz = Compand(z / 1.08883);
        lab[0] = (116.0 * fy) - 16.0;
        lab[1] = 500.0 * (fx - fy);
        lab[2] = 200.0 * (fy - fz);
    }

    private static double Compand(double t) => t > 0.008856 ? Math.Cbrt(t) : (7.787 * t) + (16.0 / 116.0);

    private static double[] BuildLinearTable()
    {
        var table = new double[256];
        for (var v = 0; v < 256; v++)
        {
            var c = v * (1.0 / 255);
            table[v] = c > 0.04045 ? Math.Pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
        }

        return table;
    }
}
