namespace Dime.Engine.Sampling;

/// <summary>Binary perturbation rows z (1 = feature kept, 0 = removed), row-major, one byte per entry.</summary>
internal sealed class FeatureRows
{
    public FeatureRows(int rows, int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        Count = rows;
        Features = features;
        Values = new byte[checked(rows * features)];
    }

    public int Count { get; }

    public int Features { get; }

    public byte[] Values { get; }

    public Span<byte> Row(int row) => Values.AsSpan(row * Features, Features);

    public bool IsOn(int row, int feature) => Values[(row * Features) + feature] != 0;

    /// <summary>The first <paramref name="count"/> rows, copied.</summary>
    public FeatureRows Take(int count)
    {
        if (count == Count)
        {
            return this;
        }

        var first = new FeatureRows(count, Features);
        Values.AsSpan(0, count * Features).CopyTo(first.Values);
        return first;
    }

    public int CountOn(int row)
    {
        var on = 0;
        foreach (var v in Row(row))
        {
            on += v;
        }

        return on;
    }
}

/// <summary>LIME 0.2.0.1's two samplers, driven by <see cref="Xoshiro256StarStar"/>. Row 0 is always the unperturbed instance.</summary>
internal static class RowSampler
{
    /// <summary>lime_image: every entry of rows 1.. is an independent fair coin.</summary>
    public static FeatureRows Image(int samples, int features, Xoshiro256StarStar random)
    {
        var rows = new FeatureRows(samples, features);
        rows.Row(0).Fill(1);
        var values = rows.Values;
        var bits = 0UL;
        var bitsLeft = 0;
        for (var i = features; i < values.Length; i++)
        {
            if (bitsLeft == 0)
            {
                bits = random.NextUInt64();
                bitsLeft = 64;
            }

            values[i] = (byte)(bits & 1);
            bits >>= 1;
            bitsLeft--;
        }

        return rows;
    }

    /// <summary>lime_text: rows 1.. remove k features, k uniform in 1..D, the k chosen uniformly without replacement.</summary>
    public static FeatureRows Text(int samples, int features, Xoshiro256StarStar random)
    {
        var rows = new FeatureRows(samples, features);
        rows.Values.AsSpan().Fill(1);
        var order = new int[features];
        for (var row = 1; row < samples; row++)
        {
            var removed = 1 + random.NextInt(features);
            for (var i = 0; i < features; i++)
            {
                order[i] = i;
            }

            var values = rows.Row(row);
            for (var i = 0; i < removed; i++)
            {
                var pick = i + random.NextInt(features - i);
                (order[i], order[pick]) = (order[pick], order[i]);
                values[order[i]] = 0;
            }
        }

        return rows;
    }
}
