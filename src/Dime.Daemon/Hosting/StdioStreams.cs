using System.Runtime.InteropServices;

namespace Dime.Daemon.Hosting;

/// <summary>
/// Keeps the JSON-RPC stream clean. The real stdout is moved to a private file descriptor, and
/// descriptor 1 (what Console.Out and any native library write to) is pointed at stderr, so
/// nothing but protocol messages ever reaches the client.
/// </summary>
internal static partial class StdioStreams
{
    /// <summary>Call once, before anything else runs. Returns (input, output) for the protocol.</summary>
    public static (Stream Input, Stream Output) TakeOverForProtocol()
    {
        Console.SetOut(Console.Error);
        var input = Console.OpenStandardInput();
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return (input, Console.OpenStandardOutput());
        }

        var saved = Dup(1);
        if (saved < 0 || Dup2(2, 1) < 0)
        {
            throw new IOException($"Could not redirect stdout (errno {Marshal.GetLastPInvokeError()}).");
        }

        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(saved, ownsHandle: true);
        return (input, new FileStream(handle, FileAccess.Write, bufferSize: 1));
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);
}
