using Dime.Engine.Imaging;

namespace Dime.Engine.Segmentation;

/// <summary>
/// SLIC superpixels (Achanta et al. 2012) in the manner of scikit-image: Lab colour, centres on a regular grid,
/// distance (colour / compactness)^2 + (space / step)^2 searched within 2 steps of each centre, a fixed number
/// of k-means iterations, then connectivity enforced by merging fragments under half a nominal segment into
/// a neighbour. Not bit-compatible with skimage; it exists to give small images tens of compact segments.
/// </summary>
internal static class Slic
{
    public static int[] Segment(RgbImage image, int segments, double compactness, int iterations, out int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var width = image.Width;
        var height = image.Height;
        var lab = CieLab.FromRgb(image, cancellationToken);
        var step = Math.Sqrt((double)width * height / segments);
        var gridRows = Math.Max(1, (int)Math.Round(height / step));
        var gridColumns = Math.Max(1, (int)Math.Round(width / step));
        var centres = new double[gridRows * gridColumns * 5];
        var k = 0;
        for (var gr = 0; gr < gridRows; gr++)
        {
            for (var gc = 0; gc < gridColumns; gc++)
            {
                var y = (gr + 0.5) * height / gridRows;
                var x = (gc + 0.5) * width / gridColumns;
                var pixel = (((int)y * width) + (int)x) * 3;
                centres[(k * 5) + 0] = y;
                centres[(k * 5) + 1] = x;
                centres[(k * 5) + 2] = lab[pixel];
                centres[(k * 5) + 3] = lab[pixel + 1];
                centres[(k * 5) + 4] = lab[pixel + 2];
                k++;
            }
        }

        var centreCount = k;
        var labels = new int[width * height];
        var distances = new double[width * height];
        var spatialWeight = 1.0 / (step * step);
        var colourWeight = 1.0 / (compactness * compactness);
        var window = (int)Math.Ceiling(2 * step);
        var sums = new double[centreCount * 6];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            Array.Fill(distances, double.MaxValue);
            for (var c = 0; c < centreCount; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cy = centres[c * 5];
                var cx = centres[(c * 5) + 1];
                var rowMin = Math.Max(0, (int)(cy - window));
                var rowMax = Math.Min(height, (int)(cy + window) + 1);
                var columnMin = Math.Max(0, (int)(cx - window));
                var columnMax = Math.Min(width, (int)(cx + window) + 1);
                for (var y = rowMin; y < rowMax; y++)
                {
                    for (var x = columnMin; x < columnMax; x++)
                    {
                        var p = (y * width) + x;
                        var dl = lab[p * 3] - centres[(c * 5) + 2];
                        var da = lab[(p * 3) + 1] - centres[(c * 5) + 3];
                        var db = lab[(p * 3) + 2] - centres[(c * 5) + 4];
                        var dy = y - cy;
                        var dx = x - cx;
                        var distance = (((dl * dl) + (da * da) + (db * db)) * colourWeight) + (((dy * dy) + (dx * dx)) * spatialWeight);
                        if (distance < distances[p])
                        {
                            distances[p] = distance;
                            labels[p] = c;
                        }
                    }
                }
            }

            Array.Clear(sums);
            cancellationToken.ThrowIfCancellationRequested();
            for (var p = 0; p < labels.Length; p++)
            {
                var s = labels[p] * 6;
                sums[s] += p / width;
                sums[s + 1] += p % width;
                sums[s + 2] += lab[p * 3];
                sums[s + 3] += lab[(p * 3) + 1];
                sums[s + 4] += lab[(p * 3) + 2];
                sums[s + 5] += 1;
            }

            for (var c = 0; c < centreCount; c++)
            {
                var n = sums[(c * 6) + 5];
                if (n > 0)
                {
                    for (var d = 0; d < 5; d++)
                    {
                        centres[(c * 5) + d] = sums[(c * 6) + d] / n;
                    }
                }
            }
        }

        var minimumSize = (int)(0.5 * width * height / centreCount);
        cancellationToken.ThrowIfCancellationRequested();
        return EnforceConnectivity(labels, width, height, minimumSize, out count);
    }

    /// <summary>Splits labels into 4-connected components and merges components below the minimum size into the component met just before them.</summary>
    internal static int[] EnforceConnectivity(int[] labels, int width, int height, int minimumSize, out int count)
    {
        var component = new int[labels.Length];
        Array.Fill(component, -1);
        var queue = new int[labels.Length];
        var merged = new int[labels.Length];
        var next = 0;
        for (var start = 0; start < labels.Length; start++)
        {
            if (component[start] >= 0)
            {
                continue;
            }

            var neighbour = start % width > 0 ? component[start - 1] : start >= width ? component[start - width] : -1;
            var head = 0;
            var tail = 0;
            queue[tail++] = start;
            component[start] = next;
            while (head < tail)
            {
                var p = queue[head++];
                var y = p / width;
                var x = p % width;
                Visit(p, x > 0 ? p - 1 : -1);
                Visit(p, x < width - 1 ? p + 1 : -1);
                Visit(p, y > 0 ? p - width : -1);
                Visit(p, y < height - 1 ? p + width : -1);
            }

            merged[next] = tail < minimumSize && neighbour >= 0 ? merged[neighbour] : next;
            next++;

            void Visit(int from, int to)
            {
                if (to >= 0 && component[to] < 0 && labels[to] == labels[from])
                {
                    component[to] = next;
                    queue[tail++] = to;
                }
            }
        }

        for (var p = 0; p < component.Length; p++)
        {
            component[p] = merged[component[p]];
        }

        count = ImageSegmentation.CompactLabels(component);
        return component;
    }
}
