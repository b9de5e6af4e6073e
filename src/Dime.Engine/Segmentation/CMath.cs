using System.Runtime.InteropServices;

namespace Dime.Engine.Segmentation;

/// <summary>
/// log1p from the platform's C library, which is what numpy calls. .NET has no log1p, and log(1 - u) differs
/// from the C library's log1p(-u) in the last bit for about 7% of arguments, which would break bit parity
/// of the ziggurat's tail. Falls back to log(1 + x) where no C library can be loaded.
/// </summary>
internal static class CMath
{
    private static readonly Log1pFunction? NativeLog1p = LoadLog1p();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate double Log1pFunction(double x);

    public static bool UsesNativeLog1p => NativeLog1p is not null;

    public static double Log1p(double x) => NativeLog1p is { } native ? native(x) : Math.Log(1.0 + x);

    private static Log1pFunction? LoadLog1p()
    {
        string[] candidates = OperatingSystem.IsWindows() ? ["ucrtbase.dll", "msvcrt.dll"]
            : OperatingSystem.IsMacOS() ? ["/usr/lib/libSystem.B.dylib"]
            : ["libm.so.6", "libm.so"];
        foreach (var name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "log1p", out var address))
            {
                return Marshal.GetDelegateForFunctionPointer<Log1pFunction>(address);
            }
        }

        return null;
    }
}
