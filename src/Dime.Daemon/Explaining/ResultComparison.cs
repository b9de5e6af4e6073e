using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Explaining;

/// <summary>One number that differs between a stored result and its reproduction, with its place in the result.</summary>
internal sealed record NumberDifference(string Path, double Stored, double Reproduced, double Difference);

/// <summary>What comparing every number of two results found: how many, how many differ, the largest difference.</summary>
internal sealed record Comparison(int Compared, int Differing, NumberDifference? Largest, double LargestRelative, IReadOnlyList<string> Mismatches)
{
    public bool Identical => Differing == 0 && Mismatches.Count == 0;
}

/// <summary>
/// Compares every number of the parts of a result that the explanation computed (the prediction, M, UC and MI at the
/// instance, and every surrogate: weights, intercept, R^2, value at the instance; the segmentation map too) between
/// a stored result and a reproduction, as they read in JSON. Equal means bit for bit: the JSON numbers round-trip.
/// </summary>
internal static class ResultComparison
{
    private static readonly string[] ComputedParts = ["prediction", "values", "image", "text"];

    public static Comparison Compare(ExplanationResult stored, ExplanationResult reproduced)
    {
        var a = JsonSerializer.SerializeToNode(stored, Protocol.Json.Options)!.AsObject();
        var b = JsonSerializer.SerializeToNode(reproduced, Protocol.Json.Options)!.AsObject();
        var walk = new Walk();
        foreach (var part in ComputedParts)
        {
            walk.Visit(part, a[part], b[part]);
        }

        return new Comparison(walk.Compared, walk.Differing, walk.Largest, walk.LargestRelative, walk.Mismatches);
    }

    private sealed class Walk
    {
        public int Compared { get; private set; }

        public int Differing { get; private set; }

        public NumberDifference? Largest { get; private set; }

        public double LargestRelative { get; private set; }

        public List<string> Mismatches { get; } = [];

        public void Visit(string path, JsonNode? stored, JsonNode? reproduced)
        {
            switch (stored, reproduced)
            {
                case (null, null):
                    return;
                case (JsonObject x, JsonObject y):
                    foreach (var key in x.Select(p => p.Key).Union(y.Select(p => p.Key)))
                    {
                        Visit($"{path}.{key}", x[key], y[key]);
                    }

                    return;
                case (JsonArray x, JsonArray y) when x.Count == y.Count:
                    for (var i = 0; i < x.Count; i++)
                    {
                        Visit(string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), x[i], y[i]);
                    }

                    return;
                case (JsonArray x, JsonArray y):
                    Mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {x.Count} entries stored, {y.Count} reproduced"));
                    return;
                case (JsonValue x, JsonValue y) when x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number:
                    Number(path, x.GetValue<double>(), y.GetValue<double>());
                    return;
                case (JsonValue x, JsonValue y) when JsonNode.DeepEquals(x, y):
                    return;
                default:
                    Mismatches.Add($"{path}: stored {stored?.ToJsonString() ?? "nothing"}, reproduced {reproduced?.ToJsonString() ?? "nothing"}");
                    return;
            }
        }

        private void Number(string path, double stored, double reproduced)
        {
            Compared++;
            if (BitConverter.DoubleToInt64Bits(stored) == BitConverter.DoubleToInt64Bits(reproduced))
            {
                return;
            }

            Differing++;
            var difference = Math.Abs(stored - reproduced);
            if (double.IsNaN(difference))
            {
                difference = double.PositiveInfinity;
            }

            LargestRelative = Math.Max(LargestRelative, difference / Math.Max(1, Math.Abs(stored)));
            if (Largest is null || difference > Largest.Difference)
            {
                Largest = new NumberDifference(path, stored, reproduced, difference);
            }
        }
    }
}
