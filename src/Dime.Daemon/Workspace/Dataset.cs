namespace Dime.Daemon.Workspace;

/// <summary>One sample of a dataset: an image path relative to the dataset's root, a question, maybe an answer.</summary>
internal sealed record Sample(int Index, string Id, string ImagePath, string Question, string? Answer, int? Line);

/// <summary>An opened dataset file. Image paths resolve inside <see cref="Root"/> and may not leave it.</summary>
internal sealed class Dataset(string id, string path, string format, string root, IReadOnlyList<Sample> samples, IReadOnlyList<string> warnings)
{
    public string Id { get; } = id;

    public string Path { get; } = path;

    public string Format { get; } = format;

    public string Root { get; } = root;

    public IReadOnlyList<Sample> Samples { get; } = samples;

    /// <summary>Lines that could not be read, each with its line number.</summary>
    public IReadOnlyList<string> Warnings { get; } = warnings;

    public DateTime LastWriteUtc { get; init; }

    /// <summary>SHA-256 of the file as it was read (results record it; reproduce checks it).</summary>
    public string ContentHash { get; init; } = string.Empty;

    public Sample this[int index] => Samples[index];

    /// <summary>The full path of a sample's image, checked to stay inside the dataset's root.</summary>
    public string ImageFullPath(Sample sample) => SafePaths.Resolve(Root, sample.ImagePath);
}
