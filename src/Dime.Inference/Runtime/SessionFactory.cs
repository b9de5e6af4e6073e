using Dime.Engine.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Dime.Inference.Runtime;

/// <summary>
/// The session options of one loaded model (graph optimisation, threads, the CUDA provider and its settings) and the
/// sessions opened with them. Disposing it frees the options; the sessions belong to whoever opened them.
/// </summary>
internal sealed class SessionFactory : IDisposable
{
    private readonly SessionOptions _options;

    private SessionFactory(SessionOptions options, bool cuda)
    {
        _options = options;
        Cuda = cuda;
    }

    public bool Cuda { get; }

    /// <summary>Session options for the CPU, or for CUDA with the CPU provider behind it.</summary>
    /// <exception cref="CudaUnavailableException">The CUDA provider did not load (<see cref="CudaUnavailableException.ProviderLoad"/>).</exception>
    public static SessionFactory Create(DeviceOptions device, bool cuda)
    {
        var options = new SessionOptions
        {
            LogId = "dime",
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (device.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = device.IntraOpThreads;
        }

        if (!cuda)
        {
            return new SessionFactory(options, cuda: false);
        }

        var mark = OrtRuntime.Mark();
        try
        {
            using var cudaOptions = new OrtCUDAProviderOptions();
            cudaOptions.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = device.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["use_tf32"] = device.UseTf32 ? "1" : "0",
                // exhaustive cuDNN search would re-run for every new batch shape
                ["cudnn_conv_algo_search"] = "HEURISTIC",
            });
            options.AppendExecutionProvider_CUDA(cudaOptions);
            return new SessionFactory(options, cuda: true);
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new CudaUnavailableException(OrtRuntime.ExplainCudaFailure(e, mark), providerLoad: true, e);
        }
    }

    /// <summary>Opens one graph; <paramref name="field"/> names it in the manifest for the error's subject.</summary>
    /// <exception cref="DimeException">
    /// NotAnOnnxModel when the file is no ONNX model; on the CPU, InferenceFailed when ONNX Runtime refuses it
    /// otherwise (on CUDA that error is left to the caller, who tells the device's fault from the model's).
    /// </exception>
    public InferenceSession Open(string path, string field)
    {
        try
        {
            return new InferenceSession(path, _options);
        }
        catch (OnnxRuntimeException e) when (e.Message.Contains("InvalidProtobuf", StringComparison.Ordinal) || e.Message.Contains("Protobuf parsing failed", StringComparison.Ordinal))
        {
            throw new DimeException(ErrorKind.NotAnOnnxModel, $"{path} ({field}.path) is not an ONNX model: {e.Message}", $"{field}.path", e);
        }
        catch (OnnxRuntimeException e) when (!Cuda)
        {
            var code = e.Message.Contains("InvalidGraph", StringComparison.Ordinal) ? ErrorKind.NotAnOnnxModel : ErrorKind.InferenceFailed;
            throw new DimeException(code, $"ONNX Runtime cannot load {path} ({field}.path): {e.Message}", $"{field}.path", e);
        }
    }

    public void Dispose() => _options.Dispose();
}

/// <summary>CUDA could not be used: the provider did not load (<see cref="ProviderLoad"/>) or a session failed on it.</summary>
internal sealed class CudaUnavailableException : Exception
{
    public CudaUnavailableException(string reason, bool providerLoad, Exception innerException)
        : base(reason, innerException)
    {
        ProviderLoad = providerLoad;
    }

    public bool ProviderLoad { get; }
}
