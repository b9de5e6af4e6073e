using Dime.Engine.Errors;

namespace Dime.Inference.Runtime;

/// <summary>Where one model is built: CUDA or the CPU, and why not CUDA when auto fell back.</summary>
internal sealed record Placement(DeviceOptions Options, bool Cuda, string? FallbackReason)
{
    public DeviceInfo Info => new(
        Options.Device.ToString().ToLowerInvariant(),
        Cuda ? "cuda" : "cpu",
        Cuda ? Options.DeviceId : null,
        FallbackReason,
        Cuda && Options.UseTf32,
        OrtRuntime.Version);

    /// <summary>Images, texts or full-graph pairs per run when the options leave it open.</summary>
    public int BatchSize(InferenceOptions options) => options.MaxBatchSize ?? (Cuda ? 512 : 128);

    /// <summary>Fusion-head pairs per run when the options leave it open (a fusion row is far cheaper than an image).</summary>
    public int PairBatchSize(InferenceOptions options) => options.MaxFusionBatchSize ?? (Cuda ? 4096 : 256);

    public SessionFactory CreateSessions() => SessionFactory.Create(Options, Cuda);
}

/// <summary>
/// The CUDA fallback policy. <c>cpu</c> builds on the CPU. <c>auto</c> and <c>cuda</c> try CUDA first; when it cannot
/// be used, auto builds on the CPU and keeps the reason, cuda fails with DeviceUnavailable and the same reason. A
/// provider that did not load is remembered for the process (loading it again would fail the same way, slowly); a
/// model that fails on CUDA after the provider loaded is tried on the CPU, so that its own faults are told as such.
/// </summary>
internal static class DevicePlacement
{
    private static readonly object Gate = new();
    private static string? _providerFailure;

    /// <summary>Runs <paramref name="build"/> on the device <paramref name="device"/> allows, as the policy says.</summary>
    /// <exception cref="DimeException">DeviceUnavailable, or whatever <paramref name="build"/> throws on the CPU.</exception>
    public static T Place<T>(DeviceOptions device, Func<Placement, T> build)
    {
        OrtRuntime.EnsureEnvironment();
        if (device.Device == DeviceKind.Cpu)
        {
            return build(new Placement(device, Cuda: false, FallbackReason: null));
        }

        string? reason;
        lock (Gate)
        {
            reason = _providerFailure;
        }

        if (reason is null)
        {
            try
            {
                return build(new Placement(device, Cuda: true, FallbackReason: null));
            }
            catch (CudaUnavailableException e)
            {
                reason = e.Message;
                if (e.ProviderLoad)
                {
                    lock (Gate)
                    {
                        _providerFailure = reason;
                    }
                }
                else if (device.Device == DeviceKind.Cuda)
                {
                    // the provider loaded but the model failed on CUDA: make sure it is not the model's fault
                    (build(new Placement(device, Cuda: false, FallbackReason: null)) as IDisposable)?.Dispose();
                }
            }
        }

        if (device.Device == DeviceKind.Cuda)
        {
            throw new DimeException(ErrorKind.DeviceUnavailable, $"CUDA was requested but cannot be used: {reason}", "device");
        }

        return build(new Placement(device, Cuda: false, FallbackReason: reason));
    }

    /// <summary>Where models would run, by loading the CUDA provider when the device allows it.</summary>
    public static DeviceInfo Probe(DeviceOptions device) => Place(device, placement =>
    {
        if (placement.Cuda)
        {
            placement.CreateSessions().Dispose();
        }

        return placement.Info;
    });

    /// <summary>Forgets that the CUDA provider failed to load, so that the next auto or cuda placement tries again (tests).</summary>
    public static void ForgetProviderFailure()
    {
        lock (Gate)
        {
            _providerFailure = null;
        }
    }
}
