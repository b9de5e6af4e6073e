using System.Runtime.InteropServices;
using Dime.Engine.Errors;
using Microsoft.Win32.SafeHandles;

namespace Dime.Inference.Files;

/// <summary>
/// The one way the daemon opens a file it reads (datasets, images, manifests, graphs, vocabularies, cache entries).
/// A path with NUL or other control characters is refused; the file is opened without blocking (a FIFO with no
/// writer would otherwise hang the open) and refused unless it is a regular file (FIFOs, devices such as /dev/zero,
/// sockets, directories); its size is checked against its kind's limit before reading and again while reading,
/// and reading observes cancellation between chunks. Every refusal is a <see cref="DimeException"/> naming the path.
/// </summary>
public static partial class SafeFiles
{
    /// <summary>The longest path accepted; it also bounds how much of a path an error can quote.</summary>
    public const int MaxPathLength = 4096;

    private const int ChunkBytes = 1 << 20;
    private static readonly string[] SystemFolders = ["/proc", "/sys", "/dev"];

    /// <summary>Checks the characters of a path and returns it made absolute.</summary>
    /// <param name="what">How the error names the path ("dataset", "--cache").</param>
    /// <exception cref="DimeException">PathInvalid.</exception>
    public static string CheckPath(string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new DimeException(ErrorKind.PathInvalid, $"The {what} path is empty.", what);
        }

        if (path.Length > MaxPathLength)
        {
            throw new DimeException(ErrorKind.PathInvalid, $"The {what} path has {path.Length} characters; at most {MaxPathLength} are accepted: {Quote(path)}", Subject(path));
        }

        var bad = path.IndexOfAny([.. Path.GetInvalidPathChars(), .. Enumerable.Range(0, 32).Select(c => (char)c)]);
        if (bad >= 0)
        {
            var name = path[bad] == '\0' ? "a NUL character" : $"the control character U+{(int)path[bad]:X4}";
            throw new DimeException(ErrorKind.PathInvalid, $"The {what} path {Quote(path)} contains {name} (at {bad}); no file has such a name.", Subject(path));
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new DimeException(ErrorKind.PathInvalid, $"The {what} path {Quote(path)} is not a valid path: {e.Message}", Subject(path), e);
        }
    }

    /// <summary>A folder the daemon will write into: a valid path, not under /proc, /sys or /dev, and not an existing file.</summary>
    /// <exception cref="DimeException">PathInvalid.</exception>
    public static string CheckFolderForWriting(string? path, string what)
    {
        var full = CheckPath(path, what);
        if (SystemFolders.Any(s => full == s || full.StartsWith(s + "/", StringComparison.Ordinal)))
        {
            throw new DimeException(ErrorKind.PathInvalid, $"The {what} folder {Quote(full)} is inside a system file system ({full.Split('/')[1]}); choose a folder on disk.", Subject(full));
        }

        for (var folder = full; !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                throw new DimeException(ErrorKind.PathInvalid, $"The {what} folder {Quote(full)} cannot be created: {Quote(folder)} is a file.", Subject(full));
            }

            if (Directory.Exists(folder))
            {
                break;
            }
        }

        return full;
    }

    /// <summary>Checks that a file exists, is a regular file and is within its kind's limit; returns its absolute path and size.</summary>
    public static (string Path, long Length) Check(string path, FileKind kind)
    {
        var full = CheckPath(path, kind.Name);
        using var handle = Open(full, kind, out var length);
        return (full, length);
    }

    /// <summary>Reads a whole file, in chunks, stopping when cancelled or when it grows past its kind's limit.</summary>
    public static byte[] ReadAllBytes(string path, FileKind kind, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = CheckPath(path, kind.Name);
        using var handle = Open(full, kind, out var length);
        var buffer = new byte[length];
        long offset = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (offset == buffer.LongLength)
            {
                // the file may have grown since fstat: take what is there, within the limit
                if (buffer.LongLength >= kind.MaxBytes)
                {
                    if (ReadAt(handle, new byte[1], offset, full, kind) > 0)
                    {
                        throw TooLarge(full, kind, offset + 1);
                    }

                    return buffer;
                }

                var grown = new byte[Math.Min(kind.MaxBytes, Math.Max(4096, buffer.LongLength * 2))];
                var probe = ReadAt(handle, grown.AsSpan((int)offset, Math.Min(ChunkBytes, grown.Length - (int)offset)), offset, full, kind);
                if (probe == 0)
                {
                    return buffer;
                }

                Array.Copy(buffer, grown, offset);
                buffer = grown;
                offset += probe;
                continue;
            }

            var read = ReadAt(handle, buffer.AsSpan((int)offset, (int)Math.Min(ChunkBytes, buffer.LongLength - offset)), offset, full, kind);
            if (read == 0)
            {
                return offset == buffer.LongLength ? buffer : buffer[..(int)offset];
            }

            offset += read;
        }
    }

    /// <summary>Opens a file for streaming reads (a JSONL dataset) after the same checks as <see cref="ReadAllBytes"/>.</summary>
    public static FileStream OpenRead(string path, FileKind kind)
    {
        var full = CheckPath(path, kind.Name);
        var handle = Open(full, kind, out _);
        return new FileStream(handle, FileAccess.Read, bufferSize: 1 << 16);
    }

    /// <summary>At most about 200 characters of a path or value, for messages: the start and the end, elided in between.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "''";
        }

        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 200 ? $"'{clean}'" : $"'{clean[..120]}…{clean[^60..]}' ({value.Length} characters)";
    }

    /// <summary>What an error is about: the path itself, shortened past 300 characters.</summary>
    public static string Subject(string path) => path.Length <= 300 ? path : path[..200] + "…" + path[^80..];

    private static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset, string path, FileKind kind)
    {
        try
        {
            return RandomAccess.Read(handle, buffer, offset);
        }
        catch (IOException e)
        {
            throw new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(path)} could not be read: {e.Message}", Subject(path), e);
        }
    }

    private static DimeException TooLarge(string path, FileKind kind, long length) =>
        new(kind.TooLarge, $"The {kind.Name} file {Quote(path)} is {Size(length)}; at most {Size(kind.MaxBytes)} are read.", Subject(path));

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MiB" : $"{bytes} bytes";

    private static SafeFileHandle Open(string full, FileKind kind, out long length)
    {
        var handle = OperatingSystem.IsLinux() ? OpenLinux(full, kind, out length) : OpenPortable(full, kind, out length);
        if (length > kind.MaxBytes)
        {
            handle.Dispose();
            throw TooLarge(full, kind, length);
        }

        return handle;
    }

    private static SafeFileHandle OpenLinux(string full, FileKind kind, out long length)
    {
        // O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC: opening a FIFO returns at once instead of waiting for a writer.
        const int flags = 0x800 | 0x100 | 0x80000;
        var fd = OpenNative(full, flags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                2 or 20 => new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(full)} does not exist.", Subject(full)),
                13 or 1 => new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(full)} cannot be read: permission denied.", Subject(full)),
                6 => new DimeException(ErrorKind.NotARegularFile, $"The {kind.Name} path {Quote(full)} is a socket or a device that cannot be read, not a regular file.", Subject(full)),
                36 or 40 => new DimeException(ErrorKind.PathInvalid, $"The {kind.Name} path {Quote(full)} cannot be opened: {(errno == 36 ? "a name is too long" : "too many symbolic links")}.", Subject(full)),
                _ => new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(full)} cannot be opened (errno {errno}).", Subject(full)),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var (mode, size) = FileStatus(fd, full, kind);
            var type = mode & 0xF000;
            if (type != 0x8000)
            {
                var what = type switch
                {
                    0x4000 => "a directory",
                    0x1000 => "a FIFO (named pipe)",
                    0x2000 => "a character device",
                    0x6000 => "a block device",
                    0xC000 => "a socket",
                    _ => "not a regular file",
                };
                throw new DimeException(ErrorKind.NotARegularFile, $"The {kind.Name} path {Quote(full)} is {what}, not a regular file; DIME reads only regular files.", Subject(full));
            }

            length = size;
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static unsafe (int Mode, long Size) FileStatus(int fd, string full, FileKind kind)
    {
        // struct stat: st_mode at 24 on x86-64 (st_nlink is 64-bit there), at 16 on the generic layout (arm64); st_size at 48 on both.
        var buffer = stackalloc byte[256];
        if (FStat(fd, buffer) != 0)
        {
            throw new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(full)} cannot be examined (errno {Marshal.GetLastPInvokeError()}).", Subject(full));
        }

        var modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return (*(int*)(buffer + modeOffset), *(long*)(buffer + 48));
    }

    private static SafeFileHandle OpenPortable(string full, FileKind kind, out long length)
    {
        if (Directory.Exists(full))
        {
            throw new DimeException(ErrorKind.NotARegularFile, $"The {kind.Name} path {Quote(full)} is a directory, not a regular file.", Subject(full));
        }

        if (!File.Exists(full))
        {
            throw new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(full)} does not exist.", Subject(full));
        }

        try
        {
            var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            length = RandomAccess.GetLength(handle);
            return handle;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DimeException(kind.NotFound, $"The {kind.Name} file {Quote(full)} cannot be opened: {e.Message}", Subject(full), e);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FStat(int fd, byte* buffer);
}
