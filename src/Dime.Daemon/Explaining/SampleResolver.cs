using System.Security.Cryptography;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Imaging;
using Dime.Inference.Files;
using Dime.Inference.Imaging;

namespace Dime.Daemon.Explaining;

/// <summary>
/// A sample ready to explain: the decoded image, the question, and where it came from. ImageHash keys the decoded
/// pixels for the model's caches; FileHash is the SHA-256 of the image file's bytes, which a result records.
/// </summary>
internal sealed record ResolvedSample(ExplainedSample Info, RgbImage Image, string ImageHash, Dataset? Dataset, string FileHash);

/// <summary>Turns a sample reference (a dataset sample, or an image file with a typed question) into a decoded sample.</summary>
internal static class SampleResolver
{
    public const int MaxQuestionLength = 1_000;

    /// <summary>
    /// <see cref="Resolve"/> on the thread pool, given up when cancelled: decoding (up to 40 megapixels) has no
    /// cancellation points of its own, so the request is answered at once and the decode's result dropped when done.
    /// </summary>
    public static Task<ResolvedSample> ResolveAsync(SampleRef reference, DatasetRegistry datasets, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => Resolve(reference, datasets, cancellationToken), CancellationToken.None).WaitAsync(cancellationToken);
    }

    public static ResolvedSample Resolve(SampleRef reference, DatasetRegistry datasets, CancellationToken cancellationToken = default)
    {
        Protocol.Validate.NotNull(reference, "sample");
        if (reference.Path is not null)
        {
            if (reference.DatasetId is not null || reference.ImagePath is not null)
            {
                throw new DaemonException(ErrorCode.InvalidArgument, "A sample is named by one of {datasetId, index}, {path, line}, {path, id} or {imagePath, question}, not by several.", "sample");
            }

            var (dataset, sample) = SampleLocator.Find(datasets, reference.Path, reference.Line, reference.Column, reference.Id, cancellationToken: cancellationToken);
            return Load(dataset.ImageFullPath(sample), sample.Question, sample.Answer, sample.Index, sample.Id, sample.Line, dataset, cancellationToken);
        }

        if (reference.DatasetId is { } datasetId)
        {
            var dataset = datasets.Get(datasetId);
            var sample = DatasetRegistry.SampleAt(dataset, reference.Index ?? throw new DaemonException(ErrorCode.InvalidArgument, "'sample.index' is required with 'sample.datasetId'.", "sample.index"));
            return Load(dataset.ImageFullPath(sample), sample.Question, sample.Answer, sample.Index, sample.Id, sample.Line, dataset, cancellationToken);
        }

        Protocol.Validate.NotEmpty(reference.ImagePath, "sample.imagePath");
        var path = Dime.Inference.Files.SafeFiles.CheckPath(reference.ImagePath, "image");
        return Load(path, reference.Question ?? string.Empty, reference.Answer, null, Path.GetFileName(path), null, null, cancellationToken);
    }

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

    private static ResolvedSample Load(string imagePath, string question, string? answer, int? index, string id, int? line, Dataset? dataset, CancellationToken cancellationToken)
    {
        CheckQuestion(question);
        var image = ImageBudget.Fit(ImageLoader.Load(imagePath, cancellationToken: cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        var fileHash = FileHash.Sha256(imagePath, FileKind.Image);
        var hash = Convert.ToHexStringLower(SHA256.HashData(image.Pixels))[..24];
        var info = new ExplainedSample(index, id, imagePath, question, answer, line, image.Width, image.Height, dataset?.Id);
        return new ResolvedSample(info, image, hash, dataset, fileHash);
    }
}
