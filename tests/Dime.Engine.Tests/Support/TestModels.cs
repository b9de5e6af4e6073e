using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;

namespace Dime.Engine.Tests.Support;

/// <summary>f(image, text) given as a plain function of the rendered pixels and the text; renders each image once per call, as a real model would.</summary>
internal sealed class FunctionModel(IReadOnlyList<string> labels, Func<RgbImage, string, float[]> function) : IMultimodalModel
{
    private int _calls;
    private long _pairs;

    public IReadOnlyList<string> Labels => labels;

    public int Calls => _calls;

    public long Pairs => Interlocked.Read(ref _pairs);

    public int LargestCall { get; private set; }

    public Task<LogitGrid> EvaluateGridAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _pairs, (long)images.Count * texts.Count);
        LargestCall = Math.Max(LargestCall, images.Count * texts.Count);
        var rendered = new RgbImage[images.Count];
        Parallel.For(0, images.Count, i =>
        {
            var pixels = new byte[images.WidthOf(i) * images.HeightOf(i) * 3];
            images.Render(i, pixels);
            rendered[i] = new RgbImage(images.WidthOf(i), images.HeightOf(i), pixels);
        });
        var values = new float[images.Count * texts.Count * labels.Count];
        for (var i = 0; i < images.Count; i++)
        {
            for (var j = 0; j < texts.Count; j++)
            {
                var logits = function(rendered[i], texts[j]);
                logits.CopyTo(values, ((i * texts.Count) + j) * labels.Count);
            }
        }

        return Task.FromResult(new LogitGrid(images.Count, texts.Count, labels.Count, values));
    }
}

/// <summary>Small synthetic images and texts for the tests.</summary>
internal static class Scenes
{
    public static readonly RgbColor Grey = new(128, 128, 128);
    public static readonly RgbColor Red = new(230, 20, 20);

    /// <summary>A size x size image filled with a smooth colour pattern that depends on <paramref name="variant"/>.</summary>
    public static RgbImage Pattern(int size, int variant)
    {
        var pixels = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var p = ((y * size) + x) * 3;
                pixels[p] = (byte)((x * 7 + (variant * 37)) % 256);
                pixels[p + 1] = (byte)((y * 5 + (variant * 61)) % 256);
                pixels[p + 2] = (byte)(((x + y) * 3 + (variant * 17)) % 256);
            }
        }

        return new RgbImage(size, size, pixels);
    }

    public static RgbImage Filled(int size, RgbColor colour)
    {
        var pixels = new byte[size * size * 3];
        for (var p = 0; p < pixels.Length; p += 3)
        {
            pixels[p] = colour.R;
            pixels[p + 1] = colour.G;
            pixels[p + 2] = colour.B;
        }

        return new RgbImage(size, size, pixels);
    }

    public static RgbImage WithPatch(RgbImage image, int x0, int y0, int side, RgbColor colour)
    {
        var pixels = (byte[])image.Pixels.Clone();
        for (var y = y0; y < y0 + side; y++)
        {
            for (var x = x0; x < x0 + side; x++)
            {
                var p = ((y * image.Width) + x) * 3;
                pixels[p] = colour.R;
                pixels[p + 1] = colour.G;
                pixels[p + 2] = colour.B;
            }
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>Mean of one channel over the pixels of one cell of a rows x columns grid.</summary>
    public static double CellMean(RgbImage image, int rows, int columns, int cell, int channel)
    {
        var row = cell / columns;
        var column = cell % columns;
        double sum = 0;
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            if (y * rows / image.Height != row)
            {
                continue;
            }

            for (var x = 0; x < image.Width; x++)
            {
                if (x * columns / image.Width == column)
                {
                    sum += image.Pixels[(((y * image.Width) + x) * 3) + channel];
                    count++;
                }
            }
        }

        return sum / count;
    }

    /// <summary>One channel of the pixel in the top-left corner of one cell of a rows x columns grid: hiding the cell with its mean changes it.</summary>
    public static double CellCorner(RgbImage image, int rows, int columns, int cell, int channel)
    {
        var y = ((cell / columns) * image.Height + rows - 1) / rows;
        var x = ((cell % columns) * image.Width + columns - 1) / columns;
        return image.Pixels[(((y * image.Width) + x) * 3) + channel];
    }

    public static int CountRed(RgbImage image)
    {
        var count = 0;
        for (var p = 0; p < image.Pixels.Length; p += 3)
        {
            if (image.Pixels[p] == Red.R && image.Pixels[p + 1] == Red.G && image.Pixels[p + 2] == Red.B)
            {
                count++;
            }
        }

        return count;
    }

    public static bool HasWord(string text, string word) =>
        text.Split([' ', '?', ',', '.'], StringSplitOptions.RemoveEmptyEntries).Contains(word, StringComparer.Ordinal);
}
