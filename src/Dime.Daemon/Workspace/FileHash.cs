using Dime.Inference.Files;
using System.Security.Cryptography;

namespace Dime.Daemon.Workspace;

/// <summary>SHA-256 of files, in lower-case hex: what a result records of its inputs, and what reproduce checks.</summary>
internal static class FileHash
{
    public static string Sha256(string path, FileKind kind)
    {
        using var stream = SafeFiles.OpenRead(path, kind);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>One hash over several files, in the given order: each file's SHA-256, chained.</summary>
    public static string Sha256(IEnumerable<string> paths, FileKind kind)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            hash.AppendData(Convert.FromHexString(Sha256(path, kind)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
