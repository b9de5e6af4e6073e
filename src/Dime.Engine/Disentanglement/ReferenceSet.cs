using Dime.Engine.Errors;
using Dime.Engine.Models;
using Dime.Engine.Sampling;

namespace Dime.Engine.Disentanglement;

/// <summary>
/// The reference set R: N images and N texts from the dataset (image i and text i form sample i) over which DIME
/// averages the partner modality. Image cache keys let a split model encode each reference image once.
/// </summary>
public sealed class ReferenceSet
{
    public ReferenceSet(ImageSet images, IReadOnlyList<string> texts, IReadOnlyList<string?>? answers = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        if (images.Count == 0 || images.Count != texts.Count)
        {
            throw new DimeException(ErrorKind.InvalidArgument, $"A reference set needs as many images as texts, and at least one (got {images.Count} and {texts.Count}).", "reference");
        }

        if (answers is not null && answers.Count != texts.Count)
        {
            throw new DimeException(ErrorKind.InvalidArgument, "One answer per reference sample, or none.", "reference");
        }

        Images = images;
        Texts = texts;
        Answers = answers;
    }

    public ImageSet Images { get; }

    public IReadOnlyList<string> Texts { get; }

    /// <summary>The dataset's answer for each sample, when known (EMAP accuracy needs them).</summary>
    public IReadOnlyList<string?>? Answers { get; }

    public int Count => Texts.Count;
}

/// <summary>Seeded choice of which dataset samples form R.</summary>
public static class ReferenceSampling
{
    private const ulong ReferenceStream = RandomStreams.Reference;

    /// <summary>
    /// <paramref name="count"/> distinct indices out of the samples whose answers are given, ascending. Stratified:
    /// each answer gets a share proportional to its frequency (largest remainders, ties to the more frequent, then
    /// alphabetically first answer), filled uniformly at random within the answer. Everything if count covers all.
    /// </summary>
    public static int[] PickIndices(IReadOnlyList<string?> answers, int count, int seed, bool stratified)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (count < 1)
        {
            throw new DimeException(ErrorKind.InvalidArgument, "The reference set needs at least one sample.", "referenceSize");
        }

        if (count >= answers.Count)
        {
            return Enumerable.Range(0, answers.Count).ToArray();
        }

        var random = new Xoshiro256StarStar(seed, ReferenceStream);
        if (!stratified)
        {
            return Choose(Enumerable.Range(0, answers.Count).ToArray(), count, random);
        }

        var groups = Enumerable.Range(0, answers.Count)
            .GroupBy(i => answers[i] ?? string.Empty, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .ToArray();
        var quotas = groups.Select(g => (double)g.Length * count / answers.Count).ToArray();
        var shares = quotas.Select(q => (int)Math.Floor(q)).ToArray();
        var leftOver = count - shares.Sum();
        foreach (var g in Enumerable.Range(0, groups.Length)
                     .OrderByDescending(g => quotas[g] - shares[g])
                     .ThenByDescending(g => groups[g].Length)
                     .ThenBy(g => g)
                     .Take(leftOver))
        {
            shares[g]++;
        }

        return groups.SelectMany((group, g) => Choose(group, shares[g], random)).Order().ToArray();
    }

    /// <summary>A uniform subset (partial Fisher-Yates), ascending.</summary>
    private static int[] Choose(int[] pool, int count, Xoshiro256StarStar random)
    {
        var copy = (int[])pool.Clone();
        for (var i = 0; i < count; i++)
        {
            var pick = i + random.NextInt(copy.Length - i);
            (copy[i], copy[pick]) = (copy[pick], copy[i]);
        }

        return copy[..count].Order().ToArray();
    }
}
