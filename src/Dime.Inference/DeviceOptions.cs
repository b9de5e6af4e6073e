using Dime.Engine.Errors;

namespace Dime.Inference;

/// <summary>Where a model runs: <c>auto</c> tries CUDA and falls back to the CPU, <c>cuda</c> fails when CUDA cannot be used.</summary>
public enum DeviceKind
{
    Auto,
    Cuda,
    Cpu,
}

/// <summary>How to place a model's sessions.</summary>
public sealed record DeviceOptions
{
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>The CUDA device ordinal.</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// Lets CUDA use TF32 for float32 matrix products (the CUDA provider's default). Off gives results within about
    /// 1e-6 of the CPU (relative L2) instead of about 1e-3.
    /// </summary>
    public bool UseTf32 { get; init; } = true;

    /// <summary>Threads for one operator on the CPU; 0 leaves the choice to ONNX Runtime (one per core).</summary>
    public int IntraOpThreads { get; init; }

    public static DeviceOptions Auto { get; } = new();

    public static DeviceOptions Cpu { get; } = new() { Device = DeviceKind.Cpu };

    public static DeviceOptions Cuda { get; } = new() { Device = DeviceKind.Cuda };

    /// <summary>Reads "auto", "cuda" or "cpu" (as a command line or a request gives it).</summary>
    public static DeviceKind ParseKind(string value) => value?.Trim().ToUpperInvariant() switch
    {
        "AUTO" => DeviceKind.Auto,
        "CUDA" or "GPU" => DeviceKind.Cuda,
        "CPU" => DeviceKind.Cpu,
        _ => throw new DimeException(ErrorKind.InvalidArgument, $"Unknown device '{value}'; use auto, cuda or cpu.", "device"),
    };
}

/// <summary>The device a model actually runs on, and why, for results and status.</summary>
/// <param name="Requested">What was asked for: auto, cuda or cpu.</param>
/// <param name="Device">What is used: cuda or cpu.</param>
/// <param name="DeviceId">The CUDA device ordinal, when on CUDA.</param>
/// <param name="FallbackReason">Why CUDA is not used although auto asked for it (the loader's own words); null otherwise.</param>
/// <param name="Tf32">Whether CUDA may use TF32 (always false on the CPU).</param>
/// <param name="OnnxRuntimeVersion">The native ONNX Runtime's version.</param>
public sealed record DeviceInfo(string Requested, string Device, int? DeviceId, string? FallbackReason, bool Tf32, string OnnxRuntimeVersion)
{
    public bool IsCuda => Device == "cuda";

    /// <summary>A name for people: the CPU model (from /proc/cpuinfo where there is one) or the CUDA device ordinal.</summary>
    public string Name => IsCuda ? $"CUDA device {DeviceId}" : CpuName.Value;

    private static readonly Lazy<string> CpuName = new(() =>
    {
        try
        {
            var model = File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
            return $"{model ?? "CPU"} ({Environment.ProcessorCount} logical cores)";
        }
        catch (IOException)
        {
            return $"CPU ({Environment.ProcessorCount} logical cores)";
        }
    });

    /// <summary>One line for logs and status bars, e.g. "cpu (auto: CUDA unavailable: ...)".</summary>
    public override string ToString() => FallbackReason is null
        ? (IsCuda ? $"cuda:{DeviceId}{(Tf32 ? string.Empty : " (tf32 off)")}" : "cpu")
        : $"cpu ({Requested}: CUDA unavailable: {FallbackReason})";
}
