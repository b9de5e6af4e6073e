namespace Dime.Engine.Imaging;

/// <summary>Separable Gaussian blur of an RGB image, truncated at 4 sigma, edges mirrored (scipy's 'reflect').</summary>
internal static class GaussianBlur
{
    public static RgbImage Apply(RgbImage image, double sigma, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var radius = Math.Max(1, (int)Math.Ceiling(4 * sigma));
        var kernel = new double[(2 * radius) + 1];
        var sum = 0.0;
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
            sum += kernel[i + radius];
        }

        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= sum;
        }

        var width = image.Width;
        var height = image.Height;
        var horizontal = new double[image.PixelCount * 3];
        var rows = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, height, rows, y =>
        {
            for (var x = 0; x < width; x++)
            {
                for (var ch = 0; ch < 3; ch++)
                {
                    var acc = 0.0;
                    for (var k = -radius; k <= radius; k++)
                    {
                        acc += kernel[k + radius] * image.Pixels[(((y * width) + Reflect(x + k, width)) * 3) + ch];
                    }

                    horizontal[(((y * width) + x) * 3) + ch] = acc;
                }
            }
        });

        var blurred = new byte[image.PixelCount * 3];
        Parallel.For(0, height, rows, y =>
        {
            for (var x = 0; x < width; x++)
            {
                for (var ch = 0; ch < 3; ch++)
                {
                    var acc = 0.0;
                    for (var k = -radius; k <= radius; k++)
                    {
                        acc += kernel[k + radius] * horizontal[(((Reflect(y + k, height) * width) + x) * 3) + ch];
                    }

                    blurred[(((y * width) + x) * 3) + ch] = (byte)Math.Clamp(Math.Round(acc), 0, 255);
                }
            }
        });

        return new RgbImage(width, height, blurred);
    }

    /// <summary>Mirror about the edge, repeating the edge pixel (d c b a | a b c d | d c b a).</summary>
    private static int Reflect(int i, int length)
    {
        var period = 2 * length;
        i %= period;
        if (i < 0)
        {
            i += period;
        }

        return i < length ? i : period - 1 - i;
    }
}
