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

    public static int[] Segment(RgbImage image, double kernelSize, double maxDist, double ratio, int seed, out int count)
    {
        ArgumentNullException.ThrowIfNull(image);
        var width = image.Width;
        var height = image.Height;
        var features = CieLab.FromRgb(image);
        for (var i = 0; i < features.Length; i++)
        {
            features[i] *= ratio;
        }

        var densities = NumpyDefaultRng.Normal(seed, TieBreakingNoiseScale, width * height);
        var inverseKernelSizeSquared = -0.5 / (kernelSize * kernelSize);
        var window = (int)Math.Ceiling(3 * kernelSize);

        Parallel.For(0, height, r =>
        {
            var rowMin = Math.Max(r - window, 0);
            var rowMax = Math.Min(r + window + 1, height);
            for (var c = 0; c < width; c++)
            {
                var columnMin = Math.Max(c - window, 0);
                var columnMax = Math.Min(c + window + 1, width);
                var here = ((r * width) + c) * 3;
                var density = densities[(r * width) + c];
                for (var r2 = rowMin; r2 < rowMax; r2++)
                {
                    for (var c2 = columnMin; c2 < columnMax; c2++)
                    {
                        var distance = SquaredDistance(features, here, ((r2 * width) + c2) * 3, r - r2, c - c2);
                        density += Math.Exp(distance * inverseKernelSizeSquared);
                    }
                }

                densities[(r * width) + c] = density;
            }
        });

        var parent = new int[width * height];
        Parallel.For(0, height, r =>
        {
            var rowMin = Math.Max(r - window, 0);
            var rowMax = Math.Min(r + window + 1, height);
            for (var c = 0; c < width; c++)
            {
                var columnMin = Math.Max(c - window, 0);
                var columnMax = Math.Min(c + window + 1, width);
                var index = (r * width) + c;
                var here = index * 3;
                var density = densities[index];
                var closest = double.MaxValue;
                var closestIndex = index;
                for (var r2 = rowMin; r2 < rowMax; r2++)
                {
                    for (var c2 = columnMin; c2 < columnMax; c2++)
                    {
                        var other = (r2 * width) + c2;
                        if (densities[other] > density)
                        {
                            var distance = SquaredDistance(features, here, other * 3, r - r2, c - c2);
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
        });

        return LabelByRoot(parent, out count);
    }

    /// <summary>The same sum, in the same order, as skimage's Cython loop (three channels, then rows, then columns).</summary>
    private static double SquaredDistance(double[] features, int a, int b, int rowOffset, int columnOffset)
    {
        var distance = 0.0;
        var t = features[a] - features[b];
        distance += t * t;
        t = features[a + 1] - features[b + 1];
        distance += t * t;
        t = features[a + 2] - features[b + 2];
        distance += t * t;
        t = rowOffset;
        distance += t * t;
        t = columnOffset;
        distance += t * t;
        return distance;
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
