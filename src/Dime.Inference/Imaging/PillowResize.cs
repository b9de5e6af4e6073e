namespace Dime.Inference.Imaging;

/// <summary>Pillow's resampling filters, as <c>Image.resize(size, resample)</c> names them.</summary>
internal enum PillowFilter
{
    Nearest,
    Box,
    Bilinear,
    Hamming,
    Bicubic,
    Lanczos,
}

/// <summary>
/// 8-bit RGB resized the way Pillow's <c>Image.resize</c> does it (libImaging's Resample.c, reducing_gap unset), so
/// that a model whose reference pipeline is PIL (every Hugging Face image processor) sees the same pixels.
/// <para>Convolution filters: for each output position, the filter's support is scaled by the downscale factor
/// (never below 1); the input pixels whose centres fall within it get the filter's value at their distance (divided
/// by the same factor), normalised to sum 1 and turned into fixed point with 22 fractional bits (32 - 8 - 2), rounded
/// half away from zero. A horizontal pass, rounded (bias of half a unit, arithmetic shift) and clipped to 0..255,
/// then a vertical pass on those bytes, rounded and clipped the same way. An axis that keeps its size is copied.</para>
/// <para>Nearest: input index floor(scale * 0.5 + o * scale), the position accumulated in double as Pillow does.</para>
/// </summary>
internal static class PillowResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static byte[] Resize(ReadOnlySpan<byte> rgb, int width, int height, int outWidth, int outHeight, PillowFilter filter)
    {
        if (filter == PillowFilter.Nearest)
        {
            return Nearest(rgb, width, height, outWidth, outHeight);
        }

        var source = rgb[..(width * height * 3)];
        if (width == outWidth)
        {
            return height == outHeight ? source.ToArray() : Vertical(source, outWidth, Coefficients(height, outHeight, filter), outHeight);
        }

        var horizontal = Horizontal(source, width, height, Coefficients(width, outWidth, filter), outWidth);
        return height == outHeight ? horizontal : Vertical(horizontal, outWidth, Coefficients(height, outHeight, filter), outHeight);
    }

    /// <summary>Per output position: the first input index, the number of taps, and the fixed-point weights.</summary>
    private sealed record Plan(int[] First, int[] Count, int[] Weights, int Taps);

    private static Plan Coefficients(int input, int output, PillowFilter filter)
    {
        var (kernel, support) = Kernel(filter);
        var scale = (double)input / output;
        var filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var taps = ((int)Math.Ceiling(support) * 2) + 1;
        var first = new int[output];
        var count = new int[output];
        var weights = new int[output * taps];
        var row = new double[taps];
        var inverse = 1.0 / filterScale;
        for (var o = 0; o < output; o++)
        {
            var center = (o + 0.5) * scale;

            // C's (int) cast truncates toward zero; a negative start is clamped to 0 anyway
            var min = Math.Max((int)(center - support + 0.5), 0);
            var max = Math.Min((int)(center + support + 0.5), input) - min;
            var sum = 0.0;
            for (var k = 0; k < max; k++)
            {
                row[k] = kernel((k + min - center + 0.5) * inverse);
                sum += row[k];
            }

            for (var k = 0; k < max; k++)
            {
                var w = sum != 0.0 ? row[k] / sum : row[k];
                weights[(o * taps) + k] = w < 0 ? (int)(-0.5 + (w * (1 << PrecisionBits))) : (int)(0.5 + (w * (1 << PrecisionBits)));
            }

            first[o] = min;
            count[o] = max;
        }

        return new Plan(first, count, weights, taps);
    }

    private static byte[] Horizontal(ReadOnlySpan<byte> source, int width, int height, Plan plan, int outWidth)
    {
        var target = new byte[outWidth * height * 3];
        for (var y = 0; y < height; y++)
        {
            var inRow = y * width * 3;
            var outRow = y * outWidth * 3;
            for (var o = 0; o < outWidth; o++)
            {
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                var at = inRow + (plan.First[o] * 3);
                var w = o * plan.Taps;
                for (var k = 0; k < plan.Count[o]; k++, at += 3)
                {
                    var weight = plan.Weights[w + k];
                    r += source[at] * weight;
                    g += source[at + 1] * weight;
                    b += source[at + 2] * weight;
                }

                target[outRow + (o * 3)] = Clip(r);
                target[outRow + (o * 3) + 1] = Clip(g);
                target[outRow + (o * 3) + 2] = Clip(b);
            }
        }

        return target;
    }

    private static byte[] Vertical(ReadOnlySpan<byte> source, int width, Plan plan, int outHeight)
    {
        var rowLength = width * 3;
        var target = new byte[rowLength * outHeight];
        var sums = new int[rowLength];
        for (var o = 0; o < outHeight; o++)
        {
            Array.Fill(sums, 1 << (PrecisionBits - 1));
            for (var k = 0; k < plan.Count[o]; k++)
            {
                var weight = plan.Weights[(o * plan.Taps) + k];
                var inRow = (plan.First[o] + k) * rowLength;
                for (var i = 0; i < rowLength; i++)
                {
                    sums[i] += source[inRow + i] * weight;
                }
            }

            for (var i = 0; i < rowLength; i++)
            {
                target[(o * rowLength) + i] = Clip(sums[i]);
            }
        }

        return target;
    }

    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    private static byte[] Nearest(ReadOnlySpan<byte> rgb, int width, int height, int outWidth, int outHeight)
    {
        var columns = new int[outWidth];
        var step = (double)width / outWidth;
        var position = step * 0.5;
        for (var o = 0; o < outWidth; o++, position += step)
        {
            columns[o] = Math.Min((int)position, width - 1);
        }

        var target = new byte[outWidth * outHeight * 3];
        var rowStep = (double)height / outHeight;
        var rowPosition = rowStep * 0.5;
        for (var o = 0; o < outHeight; o++, rowPosition += rowStep)
        {
            var inRow = Math.Min((int)rowPosition, height - 1) * width * 3;
            for (var x = 0; x < outWidth; x++)
            {
                var at = inRow + (columns[x] * 3);
                target[(((o * outWidth) + x) * 3) + 0] = rgb[at];
                target[(((o * outWidth) + x) * 3) + 1] = rgb[at + 1];
                target[(((o * outWidth) + x) * 3) + 2] = rgb[at + 2];
            }
        }

        return target;
    }

    private static (Func<double, double> Kernel, double Support) Kernel(PillowFilter filter) => filter switch
    {
        PillowFilter.Box => (x => x > -0.5 && x <= 0.5 ? 1.0 : 0.0, 0.5),
        PillowFilter.Bilinear => (x => Math.Abs(x) < 1.0 ? 1.0 - Math.Abs(x) : 0.0, 1.0),
        PillowFilter.Hamming => (Hamming, 1.0),
        PillowFilter.Bicubic => (Bicubic, 2.0),
        PillowFilter.Lanczos => (x => x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0, 3.0),
        _ => throw new ArgumentOutOfRangeException(nameof(filter)),
    };

    // Keys' cubic convolution with a = -0.5
    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        return x < 2.0 ? ((((((x - 5) * x) + 8) * x) - 4) * a) : 0.0;
    }

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        x *= Math.PI;

        // Pillow's constants are C floats: 0.54f and 0.46f
        return Math.Sin(x) / x * (0.54f + (0.46f * Math.Cos(x)));
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }
}
