using Dime.Engine.Errors;
using Dime.Inference.Runtime;

namespace Dime.Inference.Tests;

/// <summary>The CUDA fallback policy alone, with builds that fail as CUDA would (no ONNX Runtime sessions).</summary>
[Collection(StdoutCollection.Name)]
public sealed class DevicePlacementTests : IDisposable
{
    private readonly List<Placement> _built = [];

    public DevicePlacementTests() => DevicePlacement.ForgetProviderFailure();

    public void Dispose() => DevicePlacement.ForgetProviderFailure();

    [Fact]
    public void Cpu_builds_once_on_the_cpu()
    {
        var info = DevicePlacement.Place(DeviceOptions.Cpu, Build(failOnCuda: null));

        Assert.Equal("cpu", info.Device);
        Assert.Single(_built);
        Assert.False(_built[0].Cuda);
    }

    [Fact]
    public void Auto_builds_on_cuda_when_it_works()
    {
        var info = DevicePlacement.Place(DeviceOptions.Auto with { UseTf32 = false }, Build(failOnCuda: null));

        Assert.Equal("cuda", info.Device);
        Assert.Null(info.FallbackReason);
        Assert.False(info.Tf32);
        Assert.Equal([true], _built.Select(p => p.Cuda));
    }

    [Fact]
    public void A_provider_that_does_not_load_is_remembered_and_auto_falls_back_with_its_reason()
    {
        var first = DevicePlacement.Place(DeviceOptions.Auto, Build(failOnCuda: "libcublasLt.so.13: cannot open shared object file", providerLoad: true));
        var second = DevicePlacement.Place(DeviceOptions.Auto, Build(failOnCuda: "not tried again"));

        Assert.Equal("cpu", first.Device);
        Assert.Equal("libcublasLt.so.13: cannot open shared object file", first.FallbackReason);
        Assert.Equal("libcublasLt.so.13: cannot open shared object file", second.FallbackReason);
        Assert.Equal([true, false, false], _built.Select(p => p.Cuda));
    }

    [Fact]
    public void A_model_that_fails_on_cuda_is_not_remembered_as_the_providers_fault()
    {
        var first = DevicePlacement.Place(DeviceOptions.Auto, Build(failOnCuda: "out of memory", providerLoad: false));
        var second = DevicePlacement.Place(DeviceOptions.Auto, Build(failOnCuda: null));

        Assert.Equal("out of memory", first.FallbackReason);
        Assert.Equal("cuda", second.Device);
        Assert.Equal([true, false, true], _built.Select(p => p.Cuda));
    }

    [Fact]
    public void Cuda_refuses_with_the_reason_after_checking_that_the_model_builds_on_the_cpu()
    {
        var error = Assert.Throws<DimeException>(() => DevicePlacement.Place(DeviceOptions.Cuda, Build(failOnCuda: "out of memory", providerLoad: false)));

        Assert.Equal(ErrorKind.DeviceUnavailable, error.Kind);
        Assert.Equal("device", error.Subject);
        Assert.Contains("out of memory", error.Message, StringComparison.Ordinal);
        Assert.Equal([true, false], _built.Select(p => p.Cuda));
    }

    [Fact]
    public void Cuda_tells_the_models_own_fault_as_such()
    {
        var broken = new DimeException(ErrorKind.ManifestGraphMismatch, "the graph's input is 3x64x64, the manifest says 3x32x32", "image.width");

        var error = Assert.Throws<DimeException>(() => DevicePlacement.Place<DeviceInfo>(DeviceOptions.Cuda, placement =>
        {
            _built.Add(placement);
            throw placement.Cuda ? new CudaUnavailableException("failed on CUDA", providerLoad: false, broken) : broken;
        }));

        Assert.Same(broken, error);
    }

    private Func<Placement, DeviceInfo> Build(string? failOnCuda, bool providerLoad = false) => placement =>
    {
        _built.Add(placement);
        if (placement.Cuda && failOnCuda is not null)
        {
            throw new CudaUnavailableException(failOnCuda, providerLoad, new InvalidOperationException(failOnCuda));
        }

        return placement.Info;
    };
}
