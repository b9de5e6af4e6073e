namespace Dime.Engine.Segmentation;

/// <summary>
/// numpy's <c>default_rng(seed).normal(...)</c> reproduced bit for bit: SeedSequence entropy mixing, the PCG64
/// generator (128-bit LCG with the XSL-RR output) and numpy's 256-layer ziggurat. scikit-image 0.19 draws
/// quickshift's tie-breaking noise this way, so the same seed gives the same segmentation as LIME.
/// </summary>
internal sealed class NumpyDefaultRng
{
    private const uint SeedSequenceInitA = 0x43b0d7e5;
    private const uint SeedSequenceMultA = 0x931e8875;
    private const uint SeedSequenceInitB = 0x8b51f9dd;
    private const uint SeedSequenceMultB = 0x58f38ded;
    private const uint SeedSequenceMixLeft = 0xca01f9dd;
    private const uint SeedSequenceMixRight = 0x4973f715;
    private const int SeedSequencePoolSize = 4;
    private const double ZigguratR = 3.6541528853610088;
    private const double ZigguratInverseR = 0.27366123732975828;

    private static readonly UInt128 PcgMultiplier = new(2549297995355413924UL, 4865540595714422341UL);

    private readonly UInt128 _increment;
    private UInt128 _state;

    public NumpyDefaultRng(int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        var words = SeedSequenceState((uint)seed, 8);
        var initialState = new UInt128(Join(words[0], words[1]), Join(words[2], words[3]));
        var sequence = new UInt128(Join(words[4], words[5]), Join(words[6], words[7]));
        _increment = (sequence << 1) | 1;
        _state = 0;
        Step();
        _state += initialState;
        Step();
    }

    public ulong NextUInt64()
    {
        Step();
        var high = (ulong)(_state >> 64);
        var rotation = (int)(_state >> 122);
        return ulong.RotateRight(high ^ (ulong)_state, rotation);
    }

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>numpy's <c>random_standard_normal</c> (the ziggurat of Generator, not the legacy polar method).</summary>
    public double NextStandardNormal()
    {
        var ki = NumpyZigguratTables.Ki;
        var wi = NumpyZigguratTables.Wi;
        var fi = NumpyZigguratTables.Fi;
        while (true)
        {
            var r = NextUInt64();
            var layer = (int)(r & 0xff);
            r >>= 8;
            var negative = (r & 1) != 0;
            var magnitude = (r >> 1) & 0x000fffffffffffffUL;
            var x = magnitude * wi[layer];
            if (negative)
            {
                x = -x;
            }

            if (magnitude < ki[layer])
            {
                return x;
            }

            if (layer == 0)
            {
                while (true)
                {
                    var xx = -ZigguratInverseR * CMath.Log1p(-NextDouble());
                    var yy = -CMath.Log1p(-NextDouble());
                    if (yy + yy > xx * xx)
                    {
                        return ((magnitude >> 8) & 1) != 0 ? -(ZigguratR + xx) : ZigguratR + xx;
                    }
                }
            }

            if (((fi[layer - 1] - fi[layer]) * NextDouble()) + fi[layer] < Math.Exp(-0.5 * x * x))
            {
                return x;
            }
        }
    }

    /// <summary><c>default_rng(seed).normal(scale=scale, size=count)</c>.</summary>
    public static double[] Normal(int seed, double scale, int count, CancellationToken cancellationToken = default)
    {
        var rng = new NumpyDefaultRng(seed);
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            values[i] = 0.0 + (scale * rng.NextStandardNormal());
        }

        return values;
    }

    private void Step() => _state = (_state * PcgMultiplier) + _increment;

    private static ulong Join(uint low, uint high) => low | ((ulong)high << 32);

    /// <summary>SeedSequence(seed).generate_state(count, uint32) for a seed that fits one 32-bit word.</summary>
    internal static uint[] SeedSequenceState(uint seed, int count)
    {
        Span<uint> pool = stackalloc uint[SeedSequencePoolSize];
        var hashConstant = SeedSequenceInitA;
        for (var i = 0; i < pool.Length; i++)
        {
            pool[i] = HashMix(i == 0 ? seed : 0u, ref hashConstant);
        }

        for (var source = 0; source < pool.Length; source++)
        {
            for (var target = 0; target < pool.Length; target++)
            {
                if (source != target)
                {
                    pool[target] = Mix(pool[target], HashMix(pool[source], ref hashConstant));
                }
            }
        }

        var state = new uint[count];
        var outputConstant = SeedSequenceInitB;
        for (var i = 0; i < count; i++)
        {
            var value = pool[i % pool.Length] ^ outputConstant;
            outputConstant *= SeedSequenceMultB;
            value *= outputConstant;
            value ^= value >> 16;
            state[i] = value;
        }

        return state;
    }

    private static uint HashMix(uint value, ref uint hashConstant)
    {
        value ^= hashConstant;
        hashConstant *= SeedSequenceMultA;
        value *= hashConstant;
        value ^= value >> 16;
        return value;
    }

    private static uint Mix(uint x, uint y)
    {
        var result = (SeedSequenceMixLeft * x) - (SeedSequenceMixRight * y);
        result ^= result >> 16;
        return result;
    }
}
