using System.Runtime.InteropServices;
using Dime.Engine.Errors;

namespace Dime.Inference.Tests;

/// <summary>This machine has no CUDA libraries: auto must fall back with the loader's reason, cuda must refuse with it.</summary>
[Collection(StdoutCollection.Name)]
public sealed class DeviceTests
{
    [Fact]
    public void Auto_falls_back_to_the_cpu_with_the_loaders_reason()
    {
        using var model = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Auto);

        Assert.Equal("auto", model.Device.Requested);
        Assert.Equal("cpu", model.Device.Device);
        Assert.NotNull(model.Device.FallbackReason);
        // the dynamic loader's words, e.g. "Failed to load library .../libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file"
        Assert.Contains("libonnxruntime_providers_cuda", model.Device.FallbackReason, StringComparison.Ordinal);
        Assert.Contains("cannot open shared object file", model.Device.FallbackReason, StringComparison.Ordinal);
        Assert.Contains(model.Device.FallbackReason!, model.Device.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_fails_loudly_with_the_same_reason()
    {
        using var auto = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Auto);

        var error = Assert.Throws<DimeException>(() => OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cuda));

        Assert.Equal(ErrorKind.DeviceUnavailable, error.Kind);
        Assert.Equal("device", error.Subject);
        Assert.Contains(auto.Device.FallbackReason!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_tells_the_device_before_any_model_is_loaded()
    {
        var auto = OnnxModelLoader.ProbeDevice(DeviceOptions.Auto);

        Assert.Equal("cpu", auto.Device);
        Assert.Contains("cannot open shared object file", auto.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.DeviceUnavailable, Assert.Throws<DimeException>(() => OnnxModelLoader.ProbeDevice(DeviceOptions.Cuda)).Kind);
        Assert.Null(OnnxModelLoader.ProbeDevice(DeviceOptions.Cpu).FallbackReason);
        Assert.StartsWith("1.31", OnnxModelLoader.OnnxRuntimeVersion, StringComparison.Ordinal);
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
            OnnxModelLoader.ForgetCudaFailure();
            using var model = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Auto);
            await model.Model.EvaluateGridAsync(DemoData.ImagesOf([0, 1]), ["is there a red square?", "what color is the cross?"], CancellationToken.None);
            using var nan = ModelFolder.Toy(m => m["graphs"]!["full"]!["path"] = "model_nan.onnx");
            using var nanModel = OnnxModelLoader.Load(nan.Manifest, DeviceOptions.Cpu);
            await Assert.ThrowsAsync<DimeException>(() => nanModel.FullGraph!.EvaluateGridAsync(DemoData.ImagesOf([0]), ["red"], CancellationToken.None));
            Assert.Throws<DimeException>(() => OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cuda));
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
