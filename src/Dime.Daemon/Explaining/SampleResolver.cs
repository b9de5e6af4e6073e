using System.Security.Cryptography;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Imaging;
using Dime.Inference.Files;
using Dime.Inference.Imaging;

namespace Dime.Daemon.Explaining;

/// <summary>
/// A sample found but not decoded: what an explanation's cache key needs (FileHash is the SHA-256 of the image file's
/// bytes) and where to read the image from when the result must be computed.
/// </summary>
internal sealed record LocatedSample(string ImagePath, string Question, string? Answer, int? Index, string Id, int? Line, Dataset? Dataset, string FileHash);

/// <summary>
/// A sample ready to explain: the decoded image, the question, and where it came from. ImageHash keys the decoded
/// pixels for the model's caches; FileHash is the SHA-256 of the image file's bytes, which a result records.
/// </summary>
internal sealed record ResolvedSample(ExplainedSample Info, RgbImage Image, string ImageHash, Dataset? Dataset, string FileHash);

/// <summary>
/// Turns a sample reference (a dataset sample, or an image file with a typed question) into a located sample (its
/// file hashed, nothing decoded: enough to look the result up in the cache) and then into a decoded one.
/// </summary>
internal static class SampleResolver
{
    public const int MaxQuestionLength = 1_000;

    /// <summary><see cref="Resolve"/> on the thread pool (reading and decoding observe the token: a cancel stops the decode itself).</summary>
    public static Task<ResolvedSample> ResolveAsync(SampleRef reference, DatasetRegistry datasets, CancellationToken cancellationToken) =>
        OffThread(() => Resolve(reference, datasets, cancellationToken), cancellationToken);

    /// <summary><see cref="Locate"/> on the thread pool (hashing a large file takes a while).</summary>
    public static Task<LocatedSample> LocateAsync(SampleRef reference, DatasetRegistry datasets, CancellationToken cancellationToken) =>
        OffThread(() => Locate(reference, datasets, cancellationToken), cancellationToken);

    /// <summary><see cref="Decode"/> on the thread pool (decoding observes the token).</summary>
    public static Task<ResolvedSample> DecodeAsync(LocatedSample sample, CancellationToken cancellationToken) =>
        OffThread(() => Decode(sample, cancellationToken), cancellationToken);

    public static ResolvedSample Resolve(SampleRef reference, DatasetRegistry datasets, CancellationToken cancellationToken = default) =>
        Decode(Locate(reference, datasets, cancellationToken), cancellationToken);

    /// <summary>Finds the sample, checks its question and hashes its image file; decodes nothing.</summary>
    public static LocatedSample Locate(SampleRef reference, DatasetRegistry datasets, CancellationToken cancellationToken = default)
    {
        Protocol.Validate.NotNull(reference, "sample");
        if (reference.Path is not null)
        {
            if (reference.DatasetId is not null || reference.ImagePath is not null)
            {
                throw new DaemonException(ErrorCode.InvalidArgument, "A sample is named by one of {datasetId, index}, {path, line}, {path, id} or {imagePath, question}, not by several.", "sample");
            }

            var (dataset, sample) = SampleLocator.Find(datasets, reference.Path, reference.Line, reference.Column, reference.Id, cancellationToken: cancellationToken);
            return Located(dataset.ImageFullPath(sample), sample.Question, sample.Answer, sample.Index, sample.Id, sample.Line, dataset);
        }

        if (reference.DatasetId is { } datasetId)
        {
            var dataset = datasets.Get(datasetId);
            var sample = DatasetRegistry.SampleAt(dataset, reference.Index ?? throw new DaemonException(ErrorCode.InvalidArgument, "'sample.index' is required with 'sample.datasetId'.", "sample.index"));
            return Located(dataset.ImageFullPath(sample), sample.Question, sample.Answer, sample.Index, sample.Id, sample.Line, dataset);
        }

        Protocol.Validate.NotEmpty(reference.ImagePath, "sample.imagePath");
        var path = Dime.Inference.Files.SafeFiles.CheckPath(reference.ImagePath, "image");
        return Located(path, reference.Question ?? string.Empty, reference.Answer, null, Path.GetFileName(path), null, null);
    }

    /// <summary>
    /// Decodes the image as every explanation sees it (fitted to the image budget). The file hash was taken before the
    /// decode; a file replaced in between is decoded as it is now, which reproduce (which checks the hash) would catch.
    /// </summary>
    public static ResolvedSample Decode(LocatedSample sample, CancellationToken cancellationToken = default)
    {
        var image = DecodeImage(sample.ImagePath, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var hash = Convert.ToHexStringLower(SHA256.HashData(image.Pixels))[..24];
        var info = new ExplainedSample(sample.Index, sample.Id, sample.ImagePath, sample.Question, sample.Answer, sample.Line, image.Width, image.Height, sample.Dataset?.Id);
        return new ResolvedSample(info, image, hash, sample.Dataset, sample.FileHash);
    }

    /// <summary>An image as explanations see it: decoded and fitted to the image budget (what overlays are drawn over).</summary>
    public static RgbImage DecodeImage(string path, CancellationToken cancellationToken = default) =>
        ImageLoader.Load(path, ImageBudget.MaxExplainedPixels, cancellationToken: cancellationToken);

    public static string CheckQuestion(string question)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new DaemonException(ErrorCode.TextInvalid, "The question is empty.", "question");
        }

        if (question.Length > MaxQuestionLength)
        {
            throw new DaemonException(ErrorCode.TextInvalid, $"The question has {question.Length} characters; at most {MaxQuestionLength} are explained.", "question");
        }

        return question;
    }

    private static LocatedSample Located(string imagePath, string question, string? answer, int? index, string id, int? line, Dataset? dataset)
    {
        CheckQuestion(question);
        return new LocatedSample(imagePath, question, answer, index, id, line, dataset, FileHash.Sha256(imagePath, FileKind.Image));
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool and waits for it: the work observes the token itself, so the reply comes once it has stopped.</summary>
    private static Task<T> OffThread<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Run(work, cancellationToken);
}
