using Dime.Engine.Errors;

namespace Dime.Inference.Files;

/// <summary>
/// What a file is for, and how large it may be. The limit is checked from the file system before a byte is read
/// and again while reading (a file can grow). docs/protocol.md ("Files the daemon reads") lists them.
/// </summary>
/// <param name="Name">How errors name the file ("image", "dataset").</param>
/// <param name="MaxBytes">The largest file read.</param>
/// <param name="NotFound">The kind of error when the file does not exist.</param>
/// <param name="TooLarge">The kind of error when it is over <paramref name="MaxBytes"/>.</param>
public sealed record FileKind(string Name, long MaxBytes, ErrorKind NotFound, ErrorKind TooLarge = ErrorKind.FileTooLarge)
{
    public static FileKind Dataset { get; } = new("dataset", 512L << 20, ErrorKind.DatasetNotFound);

    public static FileKind Image { get; } = new("image", 256L << 20, ErrorKind.ImageNotFound, ErrorKind.ImageTooLarge);

    public static FileKind Manifest { get; } = new("model manifest", 4L << 20, ErrorKind.ModelNotFound);

    /// <summary>ONNX graphs: protobuf caps a graph file at 2 GiB; external weights are not read through here.</summary>
    public static FileKind Graph { get; } = new("ONNX graph", 2L << 30, ErrorKind.ModelNotFound);

    public static FileKind Vocabulary { get; } = new("vocabulary", 64L << 20, ErrorKind.ModelNotFound);

    public static FileKind CacheEntry { get; } = new("cache entry", 256L << 20, ErrorKind.ResultNotFound);
}
