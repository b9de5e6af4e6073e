using System.Runtime.InteropServices;

namespace Dime.Inference.Tests;

/// <summary>
/// What this machine offers CUDA, found without ONNX Runtime (the oracle for the device tests): the NVIDIA driver
/// (libcuda.so.1) with at least one device, the libraries ORT's CUDA provider links to, and cuDNN, which it opens
/// when a session starts. Tests that depend on it carry <c>[Trait("Device", "Cuda")]</c>, which the GPU check
/// selects with <c>--filter Device=Cuda</c>; they assert the right thing on either kind of machine.
/// </summary>
internal static class CudaMachine
{
    public const string Trait = "Device";
    public const string Cuda = "Cuda";

    /// <summary>What ORT's libonnxruntime_providers_cuda.so names as NEEDED (readelf -d), besides the C runtime.</summary>
    private static readonly string[] LinkedLibraries = ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10"];

    private static readonly Lazy<(string? Missing, bool Linked)> Found = new(Find);

    /// <summary>Whether ONNX Runtime should run the models on CUDA here.</summary>
    public static bool Available => Found.Value.Missing is null;

    /// <summary>What is missing, in words; null when CUDA is available.</summary>
    public static string? Missing => Found.Value.Missing;

    /// <summary>Whether what is missing is a library the provider links to (then the provider itself fails to load).</summary>
    public static bool MissingLinkedLibrary => Found.Value.Linked;

    private static (string?, bool) Find()
    {
        if (!OperatingSystem.IsLinux())
        {
            return ("a Linux machine (the oracle only knows Linux's library names)", false);
        }

        foreach (var library in LinkedLibraries)
        {
            if (!NativeLibrary.TryLoad(library, out var handle))
            {
                return (library, true);
            }

            NativeLibrary.Free(handle);
        }

        var driver = NativeLibrary.Load("libcuda.so.1");
        try
        {
            var init = Marshal.GetDelegateForFunctionPointer<CuInit>(NativeLibrary.GetExport(driver, "cuInit"));
            var count = Marshal.GetDelegateForFunctionPointer<CuDeviceGetCount>(NativeLibrary.GetExport(driver, "cuDeviceGetCount"));
            if (init(0) != 0 || count(out var devices) != 0 || devices < 1)
            {
                return ("a CUDA device (the driver loads but finds none)", false);
            }
        }
        finally
        {
            NativeLibrary.Free(driver);
        }

        if (!NativeLibrary.TryLoad("libcudnn.so.9", out var cudnn))
        {
            return ("libcudnn.so.9", false);
        }

        NativeLibrary.Free(cudnn);
        return (null, false);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CuInit(uint flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CuDeviceGetCount(out int count);
}
