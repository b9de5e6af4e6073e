using Dime.Daemon.Protocol;

namespace Dime.Daemon.Workspace;

/// <summary>Resolves paths that come from datasets and requests so they cannot leave their root folder.</summary>
internal static class SafePaths
{
    public static string Resolve(string root, string relativeOrAbsolute)
    {
        Dime.Inference.Files.SafeFiles.CheckPath(relativeOrAbsolute, "image");

        var fullRoot = Normalize(root);
        var full = Normalize(Path.Combine(fullRoot, relativeOrAbsolute));
        if (!IsInside(fullRoot, full) || !IsInside(fullRoot, FollowLinks(full)))
        {
            throw new DaemonException(
                ErrorCode.PathOutsideDataset,
                $"The path {Dime.Inference.Files.SafeFiles.Quote(relativeOrAbsolute)} leads outside the dataset folder {Dime.Inference.Files.SafeFiles.Quote(fullRoot)}.",
                Dime.Inference.Files.SafeFiles.Quote(relativeOrAbsolute));
        }

        return full;
    }

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static bool IsInside(string root, string path) =>
        path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string FollowLinks(string path)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? path : Normalize(target.FullName);
        }
        catch (IOException)
        {
            return path;
        }
    }
}
