using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dime.Engine.Imaging;

namespace Dime.Engine.Segmentation;

/// <summary>
/// Quickshift (Vedaldi and Soatto 2008) exactly as scikit-image 0.19's <c>quickshift(image, ratio, kernel_size,
/// max_dist, sigma=0, convert2lab=True, random_seed)</c> computes it, which is what LIME calls:
/// Lab colour scaled by ratio, a Parzen density over a (2*ceil(3*kernel_size)+1)^2 window seeded with
/// N(0, 1e-5) tie-breaking noise from numpy's default_rng(seed), a link from every pixel to the closest pixel of
/// higher density in its window, links longer than max_dist cut, and labels numbered by their root's position.
/// </summary>
internal static class Quickshift
{
    private const double TieBreakingNoiseScale = 0.00001;

    public static int[] Segment(RgbImage image, double kernelSize, double maxDist, double ratio, int seed, out int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var width = image.Width;
        var height = image.Height;
        var features = CieLab.FromRgb(image, cancellationToken);
        for (var i = 0; i < features.Length; i++)
        {
            features[i] *= ratio;
        }

        var densities = NumpyDefaultRng.Normal(seed, TieBreakingNoiseScale, width * height, cancellationToken);
        var inverseKernelSizeSquared = -0.5 / (kernelSize * kernelSize);
        var window = (int)Math.Ceiling(3 * kernelSize);

        // Parallel.For checks the token before each row it starts and then throws OperationCanceledException; a row
        // in progress stops at its next pixel
        var rows = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, height, rows, r => AccumulateDensities(features, densities, width, height, window, inverseKernelSizeSquared, r, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();

        var parent = new int[width * height];
        Parallel.For(0, height, rows, r => LinkToDenserNeighbours(features, densities, parent, width, height, window, maxDist, r, cancellationToken));

        cancellationToken.ThrowIfCancellationRequested();
        return LabelByRoot(parent, out count);
    }

    /// <summary>
    /// Row r of the density pass. The sums run in skimage's order (window rows, then columns; inside a distance the
    /// three channels, then the row offset, then the column offset) so that every density is the same double.
    /// Element access goes through refs because this loop runs about 30 million times for a 224 px image.
    /// </summary>
    private static void AccumulateDensities(double[] features, double[] densities, int width, int height, int window, double inverseKernelSizeSquared, int r, CancellationToken cancellationToken)
    {
        ref var feature0 = ref MemoryMarshal.GetArrayDataReference(features);
        var rowMin = Math.Max(r - window, 0);
        var rowMax = Math.Min(r + window + 1, height);
        for (var c = 0; c < width && !cancellationToken.IsCancellationRequested; c++)
        {
            var columnMin = Math.Max(c - window, 0);
            var columnMax = Math.Min(c + window + 1, width);
            ref var here = ref Unsafe.Add(ref feature0, ((r * width) + c) * 3);
            double l = here, a = Unsafe.Add(ref here, 1), b = Unsafe.Add(ref here, 2);
            var density = densities[(r * width) + c];
            for (var r2 = rowMin; r2 < rowMax; r2++)
            {
                double rowOffset = r - r2;
                var rowSquared = rowOffset * rowOffset;
                ref var other = ref Unsafe.Add(ref feature0, ((r2 * width) + columnMin) * 3);
                for (var c2 = columnMin; c2 < columnMax; c2++)
                {
                    var t = l - other;
                    var distance = 0.0 + (t * t);
                    t = a - Unsafe.Add(ref other, 1);
                    distance += t * t;
                    t = b - Unsafe.Add(ref other, 2);
                    distance += t * t;
                    distance += rowSquared;
                    double columnOffset = c - c2;
                    distance += columnOffset * columnOffset;
                    density += Math.Exp(distance * inverseKernelSizeSquared);
                    other = ref Unsafe.Add(ref other, 3);
                }
            }

            densities[(r * width) + c] = density;
        }
    }

    /// <summary>Row r of the link pass: the closest pixel of strictly higher density in the window (the first in raster order on a tie), cut beyond max_dist.</summary>
    private static void LinkToDenserNeighbours(double[] features, double[] densities, int[] parent, int width, int height, int window, double maxDist, int r, CancellationToken cancellationToken)
    {
        ref var feature0 = ref MemoryMarshal.GetArrayDataReference(features);
        ref var density0 = ref MemoryMarshal.GetArrayDataReference(densities);
        var rowMin = Math.Max(r - window, 0);
        var rowMax = Math.Min(r + window + 1, height);
        for (var c = 0; c < width && !cancellationToken.IsCancellationRequested; c++)
        {
            var columnMin = Math.Max(c - window, 0);
            var columnMax = Math.Min(c + window + 1, width);
            var index = (r * width) + c;
            ref var here = ref Unsafe.Add(ref feature0, index * 3);
            double l = here, a = Unsafe.Add(ref here, 1), b = Unsafe.Add(ref here, 2);
            var density = densities[index];
            var closest = double.MaxValue;
            var closestIndex = index;
            for (var r2 = rowMin; r2 < rowMax; r2++)
            {
                double rowOffset = r - r2;
                var rowSquared = rowOffset * rowOffset;
                for (var c2 = columnMin; c2 < columnMax; c2++)
                {
                    var other = (r2 * width) + c2;
                    if (Unsafe.Add(ref density0, other) > density)
                    {
                        ref var neighbour = ref Unsafe.Add(ref feature0, other * 3);
                        var t = l - neighbour;
                        var distance = 0.0 + (t * t);
                        t = a - Unsafe.Add(ref neighbour, 1);
                        distance += t * t;
                        t = b - Unsafe.Add(ref neighbour, 2);
                        distance += t * t;
                        distance += rowSquared;
                        double columnOffset = c - c2;
                        distance += columnOffset * columnOffset;
                        if (distance < closest)
                        {
                            closest = distance;
                            closestIndex = other;
                        }
                    }
                }
            }

            parent[index] = Math.Sqrt(closest) > maxDist ? index : closestIndex;
        }
    }

    /// <summary>Every pixel takes the rank of its tree's root among all roots (np.unique order).</summary>
    private static int[] LabelByRoot(int[] parent, out int count)
    {
        var labels = new int[parent.Length];
        var rank = new int[parent.Length];
        count = 0;
        for (var i = 0; i < parent.Length; i++)
        {
            if (parent[i] == i)
            {
                rank[i] = count++;
            }
        }

        for (var i = 0; i < parent.Length; i++)
        {
            var root = i;
            while (parent[root] != root)
            {
                root = parent[root];
            }

            var node = i;
            while (parent[node] != root)
            {
                var next = parent[node];
                parent[node] = root;
                node = next;
            }

            labels[i] = rank[root];
        }

        return labels;
    }
}
