using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using Dime.Engine.Errors;
using Dime.Inference.Manifest;

namespace Dime.Inference.Imaging;

/// <summary>Image preprocessing with every number fixed: the manifest's, after the graph filled in what it left open.</summary>
internal sealed record PreprocessSpec(
    int Width,
    int Height,
    ResizeMode Resize,
    ChannelOrder ChannelOrder,
    float Scale,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Std,
    TensorLayout Layout);

/// <summary>
/// 8-bit RGB of any size to the model's float tensor: resize (PyTorch's semantics: 'area' is adaptive average
/// pooling, 'bilinear' is align_corners=False without antialiasing, 'nearest' is the legacy floor rule; or Pillow's
/// 8-bit resize, <see cref="PillowResize"/>, for the 'pil-*' modes), then
/// x * scale, minus mean, divided by std, per channel, in the requested channel order and layout. The resize is
/// separable: precomputed taps per output column and row, one pass along rows and one along columns. Thread-safe.
/// </summary>
internal sealed class ImagePreprocessor
{
    private readonly PreprocessSpec _spec;
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly ConcurrentDictionary<(int Width, int Height), (AxisPlan X, AxisPlan Y)> _plans = new();

    public ImagePreprocessor(PreprocessSpec spec)
    {
        _spec = spec;
        _mean = [.. spec.Mean];
        _std = [.. spec.Std];
    }

    public PreprocessSpec Spec => _spec;

    /// <summary>Floats per image: 3 x height x width.</summary>
    public int OutputLength => 3 * _spec.Width * _spec.Height;

    /// <summary>One image's tensor shape without the batch: [3,H,W] or [H,W,3].</summary>
    public long[] RowShape => _spec.Layout == TensorLayout.Nchw ? [3, _spec.Height, _spec.Width] : [_spec.Height, _spec.Width, 3];

    public void Process(ReadOnlySpan<byte> rgb, int width, int height, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length < width * height * 3 || destination.Length < OutputLength)
        {
            throw new ArgumentException("Buffer sizes do not match the image and model sizes.");
        }

        if (_spec.Resize == ResizeMode.None && (width != _spec.Width || height != _spec.Height))
        {
            throw new DimeException(
                ErrorKind.ImageUnsupported,
                $"The model takes images at their own size without resizing (image.resize \"none\"), {_spec.Width}x{_spec.Height}; this image is {width}x{height}. Resize it beforehand, or give the manifest a resize mode.",
                "image");
        }

        if (PillowFilterOf(_spec.Resize) is { } filter)
        {
            // Pillow resizes to 8-bit pixels first; normalising them is then a copy at the model's size
            var resized = PillowResize.Resize(rgb, width, height, _spec.Width, _spec.Height, filter);
            rgb = resized;
            width = _spec.Width;
            height = _spec.Height;
        }

        var (xs, ys) = _plans.GetOrAdd((width, height), key => (AxisPlan.Create(_spec.Resize, key.Width, _spec.Width), AxisPlan.Create(_spec.Resize, key.Height, _spec.Height)));
        var outWidth = _spec.Width;
        var rowLength = outWidth * 3;
        var rows = ArrayPool<float>.Shared.Rent(height * rowLength);
        try
        {
            ResizeRows(rgb, width, height, xs, rows.AsSpan(0, height * rowLength));
            ResizeColumnsAndNormalise(rows, ys, destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
        }
    }

    private static PillowFilter? PillowFilterOf(ResizeMode mode) => mode switch
    {
        ResizeMode.PilNearest => PillowFilter.Nearest,
        ResizeMode.PilBox => PillowFilter.Box,
        ResizeMode.PilBilinear => PillowFilter.Bilinear,
        ResizeMode.PilHamming => PillowFilter.Hamming,
        ResizeMode.PilBicubic => PillowFilter.Bicubic,
        ResizeMode.PilLanczos => PillowFilter.Lanczos,
        _ => null,
    };

    private static void ResizeRows(ReadOnlySpan<byte> rgb, int width, int height, AxisPlan xs, Span<float> rows)
    {
        var taps = xs.Taps;
        var outWidth = xs.Start.Length;
        for (var y = 0; y < height; y++)
        {
            var source = rgb.Slice(y * width * 3, width * 3);
            var target = rows.Slice(y * outWidth * 3, outWidth * 3);
            for (var o = 0; o < outWidth; o++)
            {
                var at = xs.Start[o] * 3;
                var weights = xs.Weights.AsSpan(o * taps, taps);
                float r = 0, g = 0, b = 0;
                for (var k = 0; k < weights.Length; k++, at += 3)
                {
                    var w = weights[k];
                    r += w * source[at];
                    g += w * source[at + 1];
                    b += w * source[at + 2];
                }

                target[o * 3] = r;
                target[(o * 3) + 1] = g;
                target[(o * 3) + 2] = b;
            }
        }
    }

    private void ResizeColumnsAndNormalise(float[] rows, AxisPlan ys, Span<float> destination)
    {
        var rowLength = _spec.Width * 3;
        Span<int> slot = stackalloc int[3];
        for (var c = 0; c < 3; c++)
        {
            slot[c] = _spec.ChannelOrder == ChannelOrder.Rgb ? c : 2 - c;
        }

        var pooled = rowLength > 2048 ? ArrayPool<float>.Shared.Rent(rowLength) : null;
        var sum = pooled is null ? stackalloc float[rowLength] : pooled.AsSpan(0, rowLength);
        try
        {
            ResizeColumns(rows, ys, destination, sum, slot);
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<float>.Shared.Return(pooled);
            }
        }
    }

    private void ResizeColumns(float[] rows, AxisPlan ys, Span<float> destination, Span<float> sum, ReadOnlySpan<int> slot)
    {
        var outWidth = _spec.Width;
        var outHeight = _spec.Height;
        var rowLength = outWidth * 3;
        var plane = outWidth * outHeight;
        var taps = ys.Taps;
        var nchw = _spec.Layout == TensorLayout.Nchw;
        var scale = _spec.Scale;
        for (var o = 0; o < outHeight; o++)
        {
            sum.Clear();
            var weights = ys.Weights.AsSpan(o * taps, taps);
            for (var k = 0; k < weights.Length; k++)
            {
                var w = weights[k];
                if (w == 0f)
                {
                    continue;
                }

                var source = rows.AsSpan((ys.Start[o] + k) * rowLength, rowLength);
                var i = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var weight = new Vector<float>(w);
                    for (; i <= sum.Length - Vector<float>.Count; i += Vector<float>.Count)
                    {
                        (new Vector<float>(sum[i..]) + (weight * new Vector<float>(source[i..]))).CopyTo(sum[i..]);
                    }
                }

                for (; i < sum.Length; i++)
                {
                    sum[i] += w * source[i];
                }
            }

            for (var c = 0; c < 3; c++)
            {
                var mean = _mean[c];
                var std = _std[c];
                if (nchw)
                {
                    var target = destination.Slice((slot[c] * plane) + (o * outWidth), outWidth);
                    for (var x = 0; x < outWidth; x++)
                    {
                        target[x] = ((sum[(x * 3) + c] * scale) - mean) / std;
                    }
                }
                else
                {
                    var target = destination.Slice(o * rowLength, rowLength);
                    for (var x = 0; x < outWidth; x++)
                    {
                        target[(x * 3) + slot[c]] = ((sum[(x * 3) + c] * scale) - mean) / std;
                    }
                }
            }
        }
    }

    /// <summary>For each output position along one axis: the first input index and a fixed number of weights (unused ones are 0).</summary>
    private sealed record AxisPlan(int[] Start, float[] Weights, int Taps)
    {
        public static AxisPlan Create(ResizeMode mode, int input, int output) => input == 1
            ? new AxisPlan(new int[output], Enumerable.Repeat(1f, output).ToArray(), 1)
            : mode switch
            {
                ResizeMode.Area => Area(input, output),
                ResizeMode.Bilinear => Bilinear(input, output),
                ResizeMode.Nearest => Nearest(input, output),
                _ => Identity(input, output), // Pillow's modes resized the bytes already; none never resizes
            };

        private static AxisPlan Identity(int input, int output)
        {
            if (input != output)
            {
                throw new ArgumentException($"Pillow's resize left {input} pixels where the model takes {output}.", nameof(output));
            }

            return new AxisPlan([.. Enumerable.Range(0, output)], Enumerable.Repeat(1f, output).ToArray(), 1);
        }

        // adaptive_avg_pool: output o averages [floor(o*in/out), ceil((o+1)*in/out))
        private static AxisPlan Area(int input, int output)
        {
            var taps = 0;
            for (var o = 0; o < output; o++)
            {
                taps = Math.Max(taps, End(o) - Begin(o));
            }

            var start = new int[output];
            var weights = new float[output * taps];
            for (var o = 0; o < output; o++)
            {
                var count = End(o) - Begin(o);
                start[o] = Math.Min(Begin(o), input - taps);
                var offset = Begin(o) - start[o];
                for (var k = 0; k < count; k++)
                {
                    weights[(o * taps) + offset + k] = 1f / count;
                }
            }

            return new AxisPlan(start, weights, taps);

            int Begin(int o) => (int)((long)o * input / output);
            int End(int o) => (int)((((long)(o + 1) * input) + output - 1) / output);
        }

        // PyTorch upsample_bilinear2d, align_corners=False: src = max(scale * (o + 0.5) - 0.5, 0), in float
        private static AxisPlan Bilinear(int input, int output)
        {
            var scale = (float)input / output;
            var start = new int[output];
            var weights = new float[output * 2];
            for (var o = 0; o < output; o++)
            {
                var source = Math.Max((scale * (o + 0.5f)) - 0.5f, 0f);
                var i0 = Math.Min((int)source, input - 1);
                var lambda = source - i0;
                if (i0 < input - 1)
                {
                    start[o] = i0;
                    weights[o * 2] = 1f - lambda;
                    weights[(o * 2) + 1] = lambda;
                }
                else
                {
                    // the last input pixel: PyTorch reads it twice (i1 = i0), which sums to weight 1
                    start[o] = input - 2;
                    weights[(o * 2) + 1] = 1f;
                }
            }

            return new AxisPlan(start, weights, 2);
        }

        // PyTorch 'nearest': src = min(floor(o * scale), in - 1), in float
        private static AxisPlan Nearest(int input, int output)
        {
            var scale = (float)input / output;
            var start = new int[output];
            var weights = new float[output];
            for (var o = 0; o < output; o++)
            {
                start[o] = Math.Min((int)MathF.Floor(o * scale), input - 1);
                weights[o] = 1f;
            }

            return new AxisPlan(start, weights, 1);
        }
    }
}
