using System.Text.Json;
using Dime.Daemon.Hosting;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Explaining;

/// <summary>The outcome of reproducing a result: what was compared, the largest difference, and whether it is expected.</summary>
internal sealed record ReproduceResult(
    string ResultId,
    bool Identical,
    int Compared,
    int Differing,
    NumberDifference? Largest,
    IReadOnlyList<string> Mismatches,
    IReadOnlyList<string> EnvironmentChanges,
    double Tolerance,
    bool WithinTolerance,
    double ElapsedMs);

/// <summary>
/// Re-runs a stored result from its provenance alone: loads the recorded model, dataset and image, refuses with a
/// typed error (ModelChanged, DatasetChanged, ImageChanged, ReferenceChanged) when one no longer hashes to what was
/// recorded, computes the explanation again without any cache and compares every number.
/// </summary>
internal sealed class Reproducer(Daemon daemon)
{
    /// <summary>
    /// Largest difference relative to max(1, |stored|) accepted when the environment differs (docs/protocol.md,
    /// "Reproducing a result"): another device or runtime sums in another order; TF32 rounds products to 10 bits.
    /// On the same daemon, runtime and device the numbers must be identical.
    /// </summary>
    public const double CrossDeviceTolerance = 1e-4;
    public const double Tf32Tolerance = 1e-2;

    public async Task<ReproduceResult> ReproduceAsync(ExplanationResult stored, IProgress<ProgressValue>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var p = stored.Provenance ?? throw new DaemonException(
            ErrorCode.ProvenanceMissing, $"The result {stored.ResultId} records no provenance (it was computed by an older daemon); explain the sample again.", stored.ResultId);
        if (p.Version != Provenance.CurrentVersion)
        {
            throw new DaemonException(ErrorCode.ProvenanceMissing, $"The result's provenance has version {p.Version}; this daemon reads version {Provenance.CurrentVersion}.", stored.ResultId);
        }

        var model = daemon.Models.Load(p.Model.ManifestPath);
        if (model.Loaded.ContentHash != p.Model.Hash)
        {
            throw new DaemonException(
                ErrorCode.ModelChanged,
                $"The model '{p.Model.ManifestPath}' was replaced: its files hash to {Short(model.Loaded.ContentHash)}, the result was computed with {Short(p.Model.Hash)}.",
                p.Model.ManifestPath);
        }

        var sample = ResolveSample(p.Sample);
        var referenceDataset = OpenUnchanged(p.Reference.DatasetPath, p.Reference.DatasetFormat, p.Reference.DatasetHash, "reference dataset");
        var options = p.Options.Deserialize<ExplainOptions>(Protocol.Json.Options)
            ?? throw new DaemonException(ErrorCode.ProvenanceMissing, "The result's provenance has no options.", stored.ResultId);
        var (prediction, _) = await ExplanationService.PredictAsync(model, sample, ResultMapper.TopAnswers, cancellationToken).ConfigureAwait(false);
        var run = new ExplainRun(
            model, sample, referenceDataset, p.Reference.Size, p.Reference.Seed, p.Reference.Stratified, options, p.Quality, p.Labels.Requested, stored.Settings, stored.Warnings ?? []);
        var reproduced = await daemon.Explanations.RunAsync(run, prediction, writeArtifacts: false, reference => CheckReference(p.Reference, reference), progress, cancellationToken).ConfigureAwait(false);

        var comparison = ResultComparison.Compare(stored, reproduced);
        var changes = EnvironmentChanges(p.Environment, reproduced.Provenance!.Environment);
        var tolerance = changes.Count == 0 ? 0 : p.Environment.Tf32 || reproduced.Provenance.Environment.Tf32 ? Tf32Tolerance : CrossDeviceTolerance;
        var within = comparison.Mismatches.Count == 0 && comparison.LargestRelative <= tolerance;
        daemon.Log.Info($"reproduce {stored.ResultId}: {comparison.Compared} numbers, {comparison.Differing} differ{(comparison.Largest is { } l ? $", largest {l.Difference:E2} at {l.Path}" : string.Empty)}");
        return new ReproduceResult(
            stored.ResultId, comparison.Identical, comparison.Compared, comparison.Differing, comparison.Largest, comparison.Mismatches, changes, tolerance, within,
            Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1));
    }

    private ResolvedSample ResolveSample(ProvenanceSample recorded)
    {
        ResolvedSample sample;
        if (recorded.DatasetPath is { } path)
        {
            var dataset = OpenUnchanged(path, recorded.DatasetFormat, recorded.DatasetHash!, "dataset");
            var index = recorded.Index ?? throw new DaemonException(ErrorCode.ProvenanceMissing, "The result's provenance names a dataset but no sample index.", path);
            sample = SampleResolver.Resolve(new SampleRef(dataset.Id, index), daemon.Datasets);
        }
        else
        {
            sample = SampleResolver.Resolve(new SampleRef(ImagePath: recorded.ImagePath, Question: recorded.Question, Answer: recorded.Answer), daemon.Datasets);
        }

        if (sample.FileHash != recorded.ImageHash)
        {
            throw new DaemonException(
                ErrorCode.ImageChanged,
                $"The image '{sample.Info.ImagePath}' changed: its bytes hash to {Short(sample.FileHash)}, the result explained {Short(recorded.ImageHash)}.",
                sample.Info.ImagePath);
        }

        return sample;
    }

    private Dataset OpenUnchanged(string path, string? format, string hash, string what)
    {
        var dataset = daemon.Datasets.Open(path, format);
        if (dataset.ContentHash != hash)
        {
            throw new DaemonException(
                ErrorCode.DatasetChanged,
                $"The {what} '{path}' was edited: it hashes to {Short(dataset.ContentHash)}, the result was computed from {Short(hash)}.",
                path);
        }

        return dataset;
    }

    private static void CheckReference(ProvenanceReference recorded, ReferenceEntry drawn)
    {
        var ids = drawn.Samples.Select(s => s.Id).ToList();
        if (!ids.SequenceEqual(recorded.Ids))
        {
            var first = Enumerable.Range(0, Math.Min(ids.Count, recorded.Ids.Count)).FirstOrDefault(i => ids[i] != recorded.Ids[i], Math.Min(ids.Count, recorded.Ids.Count));
            throw new DaemonException(
                ErrorCode.ReferenceChanged,
                $"The reference set drawn now differs from the recorded one: {ids.Count} samples against {recorded.Ids.Count}, first difference at position {first} (an image that could not be read, or another drawing rule).",
                recorded.DatasetPath);
        }

        if (drawn.ImagesHash != recorded.ImagesHash)
        {
            throw new DaemonException(
                ErrorCode.ReferenceChanged,
                $"An image of the reference set ({ids.Count} samples of '{recorded.DatasetPath}') changed: the images hash to {Short(drawn.ImagesHash)}, the result used {Short(recorded.ImagesHash)}.",
                recorded.DatasetPath);
        }
    }

    private static List<string> EnvironmentChanges(ProvenanceEnvironment stored, ProvenanceEnvironment now)
    {
        var changes = new List<string>();
        void Check(string what, object a, object b)
        {
            if (!Equals(a, b))
            {
                changes.Add($"{what}: {a} then, {b} now");
            }
        }

        Check("daemon", stored.Daemon, now.Daemon);
        Check(".NET", stored.Dotnet, now.Dotnet);
        Check("ONNX Runtime", stored.OnnxRuntime, now.OnnxRuntime);
        Check("architecture", stored.Architecture, now.Architecture);
        Check("SIMD", stored.Simd, now.Simd);
        Check("device", stored.DeviceName, now.DeviceName);
        Check("TF32", stored.Tf32, now.Tf32);
        return changes;
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
