using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Disentanglement;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Inference.Imaging;

namespace Dime.Daemon.Explaining;

/// <summary>Samples of a dataset as a reference set: images decoded, each keyed so a split model encodes it once.</summary>
internal static class DatasetSamples
{
    /// <summary>
    /// Decodes the samples' images; a sample whose image cannot be read is left out and named in
    /// <paramref name="skipped"/>. Fails when fewer than <paramref name="minimum"/> remain.
    /// </summary>
    public static (ReferenceSet Set, IReadOnlyList<Sample> Kept) Load(Dataset dataset, IEnumerable<Sample> samples, int minimum, List<string> skipped, CancellationToken cancellationToken)
    {
        var images = new List<RgbImage>();
        var kept = new List<Sample>();
        foreach (var sample in samples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                images.Add(ImageBudget.Fit(ImageLoader.Load(dataset.ImageFullPath(sample), cancellationToken: cancellationToken)));
                kept.Add(sample);
            }
            catch (Exception e) when (ErrorCodes.Of(e) is not null)
            {
                skipped.Add($"{sample.Id}: {e.Message}");
            }
        }

        if (kept.Count < minimum)
        {
            throw new DaemonException(ErrorCode.DatasetInvalid, $"Only {kept.Count} image(s) of '{dataset.Path}' could be read; {minimum} are needed.", dataset.Path);
        }

        var set = new ReferenceSet(
            new ImageList(images, [.. kept.Select(s => (string?)$"{dataset.Id}#{s.Index}@{dataset.LastWriteUtc.Ticks}")]),
            [.. kept.Select(s => s.Question)],
            [.. kept.Select(s => s.Answer)]);
        return (set, kept);
    }
}
