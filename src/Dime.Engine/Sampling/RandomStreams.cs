namespace Dime.Engine.Sampling;

/// <summary>
/// The random streams of an explanation, named once so that a result can record them: every draw comes from
/// <see cref="Xoshiro256StarStar"/> seeded with (seed, stream). The image and text LIME rows use the explanation's
/// seed; the reference set uses its own reference seed.
/// </summary>
public static class RandomStreams
{
    /// <summary>The generator, as a result names it.</summary>
    public const string Algorithm = "xoshiro256** seeded by SplitMix64(seed ^ stream * 0xD1B54A32D192ED03)";

    public const ulong Image = 1;

    public const ulong Text = 2;

    public const ulong Reference = 3;

    /// <summary>The partner estimator's draws of reference partners, per modality.</summary>
    public const ulong ImagePartners = 4;

    public const ulong TextPartners = 5;

    /// <summary>The bootstrap of the anytime results' uncertainty, per modality.</summary>
    public const ulong ImageBootstrap = 6;

    public const ulong TextBootstrap = 7;
}
