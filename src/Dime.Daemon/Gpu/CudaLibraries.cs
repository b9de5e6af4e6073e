using System.Runtime.InteropServices;

namespace Dime.Daemon.Gpu;

/// <summary>
/// The system libraries ONNX Runtime's CUDA provider needs and that the package does not carry: those it links against
/// (`readelf -d libonnxruntime_providers_cuda.so` of 1.31.0) and cuDNN, which it opens at run time. Checked by loading
/// each by name, as the dynamic loader would (LD_LIBRARY_PATH included).
/// </summary>
internal static class CudaLibraries
{
    public sealed record Requirement(string Library, string ProvidedBy);

    public static readonly IReadOnlyList<Requirement> Required =
    [
        new("libcuda.so.1", "the NVIDIA driver"),
        new("libcudart.so.13", "the CUDA 13 runtime"),
        new("libcublas.so.13", "cuBLAS of CUDA 13"),
        new("libcublasLt.so.13", "cuBLAS of CUDA 13"),
        new("libcurand.so.10", "cuRAND of CUDA 13"),
        new("libcudnn.so.9", "cuDNN 9"),
    ];

    /// <summary>The requirements that do not load on this machine (all of them off Linux).</summary>
    public static IReadOnlyList<Requirement> Missing() =>
        [.. Required.Where(r => !OperatingSystem.IsLinux() || !CanLoad(r.Library))];

    /// <summary>"missing libcudart.so.13 (the CUDA 13 runtime), libcudnn.so.9 (cuDNN 9)": one sentence for a person.</summary>
    public static string Describe(IReadOnlyList<Requirement> missing) => missing.Count == 0
        ? "the CUDA 13 and cuDNN 9 libraries load"
        : $"this machine lacks {string.Join(", ", missing.Select(m => $"{m.Library} ({m.ProvidedBy})"))}: install the NVIDIA driver, CUDA 13 and cuDNN 9 (or put their lib folders on LD_LIBRARY_PATH), then restart the daemon";

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
