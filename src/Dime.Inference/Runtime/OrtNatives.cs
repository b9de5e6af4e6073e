using System.Runtime.InteropServices;
using Dime.Engine.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Dime.Inference.Runtime;

/// <summary>
/// Where ONNX Runtime's native library comes from. By default the one next to the daemon; <see cref="UseFolder"/>
/// takes it from another folder (the CUDA build fetched by `gpu enable`), so that ONNX Runtime also finds its CUDA
/// provider there: it loads providers from the folder of the library it runs from. Must be called before any ONNX
/// Runtime type is used, once per process.
/// </summary>
public static class OrtNatives
{
    public static readonly string LibraryFile = OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so";
    private static string? _folder;

    /// <summary>The folder ONNX Runtime is loaded from, when it is not the daemon's own.</summary>
    public static string? Folder => _folder;

    public static void UseFolder(string folder)
    {
        var full = Path.GetFullPath(folder);
        var library = Path.Combine(full, LibraryFile);
        if (!File.Exists(library))
        {
            throw new DimeException(ErrorKind.PathInvalid, $"{full} has no {LibraryFile}: fetch the CUDA build of ONNX Runtime with `Dime.Daemon gpu enable` first.", full);
        }

        if (Interlocked.CompareExchange(ref _folder, full, null) is { } already)
        {
            if (already != full)
            {
                throw new InvalidOperationException($"ONNX Runtime is already loaded from {already}.");
            }

            return;
        }

        OrtEnv.DisableDllImportResolver = true;
        NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, (name, _, _) =>
            name is "onnxruntime" or "libonnxruntime" || name == LibraryFile ? NativeLibrary.Load(library) : IntPtr.Zero);
    }
}
