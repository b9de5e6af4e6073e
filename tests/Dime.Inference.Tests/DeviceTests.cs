using System.Runtime.InteropServices;
using Dime.Engine.Errors;

namespace Dime.Inference.Tests;

/// <summary>
/// On a machine with CUDA (<see cref="CudaMachine"/>), auto and cuda run on it; without, auto falls back with the
/// loader's reason and cuda refuses with it.
/// </summary>
[Collection(StdoutCollection.Name)]
public sealed class DeviceTests
{
    [Fact]
    [Trait(CudaMachine.Trait, CudaMachine.Cuda)]
    public void Auto_uses_cuda_where_the_machine_has_it_else_falls_back_with_the_loaders_reason()
    {
        using var model = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Auto);

        Assert.Equal("auto", model.Device.Requested);
        if (CudaMachine.Available)
        {
            Assert.Equal("cuda", model.Device.Device);
            Assert.Null(model.Device.FallbackReason);
            Assert.Equal(0, model.Device.DeviceId);
            Assert.Equal("cuda:0", model.Device.ToString());
            return;
        }

        Assert.Equal("cpu", model.Device.Device);
        Assert.False(string.IsNullOrWhiteSpace(model.Device.FallbackReason));
        Assert.Contains(model.Device.FallbackReason!, model.Device.ToString(), StringComparison.Ordinal);
        if (CudaMachine.MissingLinkedLibrary)
        {
            // the dynamic loader's words, e.g. "Failed to load library .../libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file"
            Assert.Contains("libonnxruntime_providers_cuda", model.Device.FallbackReason, StringComparison.Ordinal);
            Assert.Contains("cannot open shared object file", model.Device.FallbackReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait(CudaMachine.Trait, CudaMachine.Cuda)]
    public void Cuda_runs_where_the_machine_has_it_else_fails_loudly_with_the_same_reason()
    {
        using var auto = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Auto);
        if (CudaMachine.Available)
        {
            using var cuda = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cuda with { UseTf32 = false });
            Assert.Equal("cuda", cuda.Device.Device);
            Assert.Equal("cuda", cuda.Device.Requested);
            Assert.False(cuda.Device.Tf32);
            return;
        }

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cuda));

        Assert.Equal(ErrorKind.DeviceUnavailable, error.Kind);
        Assert.Equal("device", error.Subject);
        Assert.Contains(auto.Device.FallbackReason!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait(CudaMachine.Trait, CudaMachine.Cuda)]
    public void Probe_tells_the_device_before_any_model_is_loaded()
    {
        var auto = OnnxModelLoader.ProbeDevice(DeviceOptions.Auto);
        Assert.Null(OnnxModelLoader.ProbeDevice(DeviceOptions.Cpu).FallbackReason);
        Assert.Equal("cpu", OnnxModelLoader.ProbeDevice(DeviceOptions.Cpu).Device);
        if (CudaMachine.Available)
        {
            Assert.Equal("cuda", auto.Device);
            Assert.Equal("cuda", OnnxModelLoader.ProbeDevice(DeviceOptions.Cuda).Device);
            return;
        }

        if (CudaMachine.MissingLinkedLibrary)
        {
            Assert.Equal("cpu", auto.Device);
            Assert.Contains("cannot open shared object file", auto.FallbackReason, StringComparison.Ordinal);
            Assert.Equal(ErrorKind.DeviceUnavailable, Assert.Throws<DimeException>(() => OnnxModelLoader.ProbeDevice(DeviceOptions.Cuda)).Kind);
        }
    }

    [Fact]
    public void The_announced_onnx_runtime_version_is_the_native_librarys()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", OnnxModelLoader.OnnxRuntimeVersion);
        Assert.Equal(Runtime.OrtRuntime.Version, OnnxModelLoader.OnnxRuntimeVersion);
        Assert.Equal(OnnxModelLoader.OnnxRuntimeVersion, OnnxModelLoader.ProbeDevice(DeviceOptions.Cpu).OnnxRuntimeVersion);
    }

    [Fact]
    public void Cpu_is_used_as_asked()
    {
        using var model = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cpu with { IntraOpThreads = 1 });

        Assert.Equal("cpu", model.Device.ToString());
        Assert.False(model.Device.Tf32);
    }

    [Fact]
    public void Device_names_parse()
    {
        Assert.Equal(DeviceKind.Cuda, DeviceOptions.ParseKind("CUDA"));
        Assert.Equal(DeviceKind.Cpu, DeviceOptions.ParseKind(" cpu "));
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<DimeException>(() => DeviceOptions.ParseKind("tpu")).Kind);
    }

    /// <summary>
    /// The daemon's stdout is its JSON-RPC stream: loading with a CUDA attempt, running, and failing must not write a
    /// byte to file descriptor 1 (native ONNX Runtime logs included), nor to Console.Out.
    /// </summary>
    [Fact]
    [Trait(CudaMachine.Trait, CudaMachine.Cuda)]
    public async Task Nothing_reaches_stdout()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var file = Path.GetTempFileName();
        var console = Console.Out;
        var captured = new StringWriter();
        await using var sink = new FileStream(file, FileMode.Truncate, FileAccess.Write);
        console.Flush();
        var saved = NativeMethods.dup(1);
        Assert.True(saved >= 0);
        Assert.True(NativeMethods.dup2((int)sink.SafeFileHandle.DangerousGetHandle(), 1) >= 0);
        Console.SetOut(captured);
        try
        {
            Runtime.DevicePlacement.ForgetProviderFailure();
            using var model = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Auto);
            await model.Model.EvaluateGridAsync(DemoData.ImagesOf([0, 1]), ["is there a red square?", "what color is the cross?"], CancellationToken.None);
            using var nan = ModelFolder.Toy(m => m["graphs"]!["full"]!["path"] = "model_nan.onnx");
            using var nanModel = OnnxModelLoader.Load(nan.Manifest, DeviceOptions.Cpu);
            await Assert.ThrowsAsync<DimeException>(() => nanModel.FullGraph!.EvaluateGridAsync(DemoData.ImagesOf([0]), ["red"], CancellationToken.None));
            if (CudaMachine.Available)
            {
                OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cuda).Dispose();
            }
            else
            {
                Assert.Throws<DimeException>(() => OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cuda));
            }
        }
        finally
        {
            NativeMethods.fflush(IntPtr.Zero);
            NativeMethods.dup2(saved, 1);
            NativeMethods.close(saved);
            Console.SetOut(console);
        }

        Assert.Equal(string.Empty, captured.ToString());
        Assert.Equal(0, new FileInfo(file).Length);
        File.Delete(file);
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int dup(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int dup2(int oldFd, int newFd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);

        [DllImport("libc")]
        public static extern int fflush(IntPtr stream);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StdoutCollection
{
    public const string Name = "stdout (runs alone)";
}
