using System.Security.Cryptography;
using System.Text;
using Dime.Engine.Errors;
using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Models;
using Dime.Inference.Runtime;
using Dime.Inference.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dime.Inference;

/// <summary>Loads a model folder (manifest.json + ONNX graphs + vocabulary) for inference. The entry point of this project.</summary>
public static partial class OnnxModelLoader
{
    private static readonly object CudaGate = new();
    private static string? _cudaProviderFailure;

    /// <summary>
    /// Reads and checks the manifest, creates one session per graph on the requested device, checks every graph's
    /// declared inputs and outputs against the manifest, and runs each graph once (warm-up).
    /// </summary>
    /// <param name="manifestPath">The manifest file, or the folder that holds manifest.json.</param>
    /// <param name="device">auto (CUDA, else CPU with the reason kept), cuda (fails with DeviceUnavailable) or cpu; auto when null.</param>
    /// <param name="options">Batching and limits; the defaults when null.</param>
    /// <exception cref="DimeException">
    /// ModelNotFound, ManifestInvalid, NotAnOnnxModel, ManifestGraphMismatch, DeviceUnavailable or InferenceFailed,
    /// with the manifest field or file as the subject.
    /// </exception>
    public static LoadedModel Load(string manifestPath, DeviceOptions? device = null, InferenceOptions? options = null)
    {
        device ??= DeviceOptions.Auto;
        options ??= InferenceOptions.Default;
        OrtRuntime.EnsureEnvironment();
        var manifest = ManifestReader.Read(manifestPath);
        var hash = ContentHash(manifest);
        if (device.Device == DeviceKind.Cpu)
        {
            return Build(manifest, hash, device, options, cuda: false, fallbackReason: null);
        }

        string reason;
        lock (CudaGate)
        {
            reason = _cudaProviderFailure!;
        }

        if (reason is null)
        {
            try
            {
                return Build(manifest, hash, device, options, cuda: true, fallbackReason: null);
            }
            catch (CudaUnavailableException e)
            {
                reason = e.Message;
                if (e.ProviderLoad)
                {
                    lock (CudaGate)
                    {
                        _cudaProviderFailure = reason;
                    }
                }
                else if (device.Device == DeviceKind.Cuda)
                {
                    // the sessions loaded the provider but failed on CUDA: make sure it is not the model's fault
                    Build(manifest, hash, device, options, cuda: false, fallbackReason: null).Dispose();
                }
            }
        }

        if (device.Device == DeviceKind.Cuda)
        {
            throw new DimeException(ErrorKind.DeviceUnavailable, $"CUDA was requested but cannot be used: {reason}", "device");
        }

        return Build(manifest, hash, device, options, cuda: false, fallbackReason: reason);
    }

    /// <summary>The native ONNX Runtime's version (creates DIME's ORT environment first, with its logging off stdout).</summary>
    public static string OnnxRuntimeVersion => OrtRuntime.Version;

    /// <summary>
    /// Where models would run, before any is loaded (for the daemon's initialize and status): loads the CUDA provider
    /// when <paramref name="device"/> allows it. A model's own <see cref="LoadedModel.Device"/> is authoritative,
    /// since a session can still fail on CUDA after the provider loaded.
    /// </summary>
    /// <exception cref="DimeException">DeviceUnavailable when CUDA is required and cannot be loaded.</exception>
    public static DeviceInfo ProbeDevice(DeviceOptions? device = null)
    {
        device ??= DeviceOptions.Auto;
        OrtRuntime.EnsureEnvironment();
        var requested = device.Device.ToString().ToLowerInvariant();
        if (device.Device == DeviceKind.Cpu)
        {
            return new DeviceInfo(requested, "cpu", null, null, false, OrtRuntime.Version);
        }

        string? reason;
        lock (CudaGate)
        {
            reason = _cudaProviderFailure;
        }

        if (reason is null)
        {
            try
            {
                CreateSessionOptions(device, cuda: true).Dispose();
                return new DeviceInfo(requested, "cuda", device.DeviceId, null, device.UseTf32, OrtRuntime.Version);
            }
            catch (CudaUnavailableException e)
            {
                reason = e.Message;
                lock (CudaGate)
                {
                    _cudaProviderFailure = reason;
                }
            }
        }

        if (device.Device == DeviceKind.Cuda)
        {
            throw new DimeException(ErrorKind.DeviceUnavailable, $"CUDA was requested but cannot be used: {reason}", "device");
        }

        return new DeviceInfo(requested, "cpu", null, reason, false, OrtRuntime.Version);
    }

    /// <summary>Forgets that the CUDA provider failed to load, so that the next auto or cuda load tries again (tests).</summary>
    internal static void ForgetCudaFailure()
    {
        lock (CudaGate)
        {
            _cudaProviderFailure = null;
        }
    }

    private static LoadedModel Build(ModelManifest manifest, string hash, DeviceOptions device, InferenceOptions options, bool cuda, string? fallbackReason)
    {
        if (manifest.IsWired)
        {
            return BuildWired(manifest, hash, device, options, cuda, fallbackReason);
        }

        var owned = new List<IDisposable>();
        try
        {
            var sessionOptions = CreateSessionOptions(device, cuda);
            owned.Add(sessionOptions);
            InferenceSession? Open(GraphSpec? graph)
            {
                if (graph is null)
                {
                    return null;
                }

                var session = OpenSession(graph, sessionOptions, cuda);
                owned.Add(session);
                return session;
            }

            var fullSession = Open(manifest.Full);
            var imageSession = Open(manifest.ImageEncoder);
            var textSession = Open(manifest.TextEncoder);
            var fusionSession = Open(manifest.Fusion);

            var preprocessor = new ImagePreprocessor(ResolvePreprocessing(manifest, fullSession, imageSession, fusionSession));
            var maxLength = ResolveMaxLength(manifest, fullSession, textSession, fusionSession);
            var tokenizer = TokenizerFactory.Create(manifest.Tokenizer, manifest.Path, maxLength, options.MaxTextLength);
            var warmUp = WarmUpRows(preprocessor, tokenizer);
            var nchw = manifest.Image.Layout == TensorLayout.Nchw;
            var otherLayout = nchw ? new long[] { preprocessor.Spec.Height, preprocessor.Spec.Width, 3 } : [3, preprocessor.Spec.Height, preprocessor.Spec.Width];
            var rawImage = new InputExpectation(
                [TensorElementType.Float],
                preprocessor.RowShape,
                nchw ? ["image.layout", "image.height", "image.width"] : ["image.height", "image.width", "image.layout"],
                (otherLayout, "image.layout"));
            var rawText = new InputExpectation([TensorElementType.Int64, TensorElementType.Int32], [maxLength], ["tokenizer.maxLength"]);
            var perToken = new InputExpectation([TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Float], [maxLength], ["tokenizer.maxLength"]);
            var labels = manifest.Labels.Count;
            var runners = new List<GraphRunner>();
            GraphRunner? Runner(GraphSpec? spec, InferenceSession? session, Func<InputRole, InputExpectation> expectationOf, int? labelCount, int cap)
            {
                if (spec is null || session is null)
                {
                    return null;
                }

                var (inputs, fixedBatch, outputRow) = GraphBinder.Bind(spec, session, expectationOf, labelCount);
                var runner = GraphRunner.Create(spec, session, inputs, outputRow, fixedBatch, cap, options.MemoryBudgetBytes, options.WarmUp, warmUp);
                owned.Remove(session);
                owned.Add(runner);
                runners.Add(runner);
                return runner;
            }

            InputExpectation Common(InputRole role) => role switch
            {
                InputRole.Image => rawImage,
                InputRole.Text => rawText,
                _ => perToken,
            };

            var maxBatch = options.MaxBatchSize ?? (cuda ? 512 : 128);
            var fullRunner = Runner(manifest.Full, fullSession, Common, labels, maxBatch);
            var imageRunner = Runner(manifest.ImageEncoder, imageSession, Common, null, maxBatch);
            var textRunner = Runner(manifest.TextEncoder, textSession, Common, null, maxBatch);
            var fusionRunner = Runner(
                manifest.Fusion,
                fusionSession,
                role => role switch
                {
                    InputRole.Image when imageRunner is not null => Features(imageRunner),
                    InputRole.Text when textRunner is not null => Features(textRunner),
                    _ => Common(role),
                },
                labels,
                options.MaxFusionBatchSize ?? (cuda ? 4096 : 256));

            var full = fullRunner is null ? null : new FullGraphModel(fullRunner, preprocessor, tokenizer, manifest.Labels);
            IImageEncoder? imageEncoder = null;
            TextFeatureEncoder? textEncoder = null;
            OnnxFusionHead? fusion = null;
            if (fusionRunner is not null)
            {
                imageEncoder = imageRunner is null ? new PreprocessedImageEncoder(preprocessor) : new OnnxImageEncoder(imageRunner, preprocessor);
                textEncoder = new TextFeatureEncoder(tokenizer, textRunner, carryMask: fusionRunner.IndexOf(InputRole.AttentionMask) >= 0);
                if (textEncoder.CarriesTokens && tokenizer.VocabularySize > (1 << 24))
                {
                    throw GraphBinder.Mismatch("graphs.textEncoder", "without a text encoder, token ids travel as float32, which holds ids up to 16,777,216 exactly; this vocabulary is larger.");
                }

                fusion = new OnnxFusionHead(fusionRunner, manifest.Labels, imageEncoder.FeatureLength, textEncoder);
            }

            var info = new DeviceInfo(
                device.Device.ToString().ToLowerInvariant(),
                cuda ? "cuda" : "cpu",
                cuda ? device.DeviceId : null,
                fallbackReason,
                cuda && device.UseTf32,
                OrtRuntime.Version);
            owned.Remove(sessionOptions);
            return new LoadedModel(manifest, info, hash, tokenizer, preprocessor, full, imageEncoder, textEncoder, fusion, runners, [sessionOptions], options);
        }
        catch (OnnxRuntimeException e) when (cuda)
        {
            Dispose(owned);
            throw new CudaUnavailableException(e.Message, providerLoad: false, e);
        }
        catch (OnnxRuntimeException e)
        {
            Dispose(owned);
            throw new DimeException(ErrorKind.InferenceFailed, $"Running the model {manifest.Path} once at load failed: {e.Message}", manifest.Path, e);
        }
        catch
        {
            Dispose(owned);
            throw;
        }
    }

    private static InputExpectation Features(GraphRunner encoder) =>
        new([TensorElementType.Float], encoder.OutputRowShape, Enumerable.Repeat($"{encoder.Spec.Field}.output", encoder.OutputRowShape.Length).ToArray());

    private static SessionOptions CreateSessionOptions(DeviceOptions device, bool cuda)
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
            return options;
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
            return options;
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new CudaUnavailableException(OrtRuntime.ExplainCudaFailure(e, mark), providerLoad: true, e);
        }
    }

    private static InferenceSession OpenSession(GraphSpec graph, SessionOptions options, bool cuda) => OpenSession(graph.Path, graph.Field, options, cuda);

    private static InferenceSession OpenSession(string path, string field, SessionOptions options, bool cuda)
    {
        var graph = (Path: path, Field: field);
        try
        {
            return new InferenceSession(graph.Path, options);
        }
        catch (OnnxRuntimeException e) when (e.Message.Contains("InvalidProtobuf", StringComparison.Ordinal) || e.Message.Contains("Protobuf parsing failed", StringComparison.Ordinal))
        {
            throw new DimeException(ErrorKind.NotAnOnnxModel, $"{graph.Path} ({graph.Field}.path) is not an ONNX model: {e.Message}", $"{graph.Field}.path", e);
        }
        catch (OnnxRuntimeException e) when (!cuda)
        {
            var code = e.Message.Contains("InvalidGraph", StringComparison.Ordinal) ? ErrorKind.NotAnOnnxModel : ErrorKind.InferenceFailed;
            throw new DimeException(code, $"ONNX Runtime cannot load {graph.Path} ({graph.Field}.path): {e.Message}", $"{graph.Field}.path", e);
        }
    }

    private static PreprocessSpec ResolvePreprocessing(ModelManifest manifest, InferenceSession? full, InferenceSession? imageEncoder, InferenceSession? fusion)
    {
        var image = manifest.Image;
        var (graph, session) = full is not null ? (manifest.Full!, full)
            : imageEncoder is not null ? (manifest.ImageEncoder!, imageEncoder)
            : (manifest.Fusion!, fusion!);
        var nchw = image.Layout == TensorLayout.Nchw;
        var width = image.Width ?? (int?)GraphBinder.FixedDimension(session, graph.Inputs.Image, nchw ? 3 : 2)
            ?? throw JsonFields.Error(manifest.Path, "image.width", $"is missing, and the image input '{graph.Inputs.Image}' of {graph.FileName} leaves the width open; give the width the model expects.");
        var height = image.Height ?? (int?)GraphBinder.FixedDimension(session, graph.Inputs.Image, nchw ? 2 : 1)
            ?? throw JsonFields.Error(manifest.Path, "image.height", $"is missing, and the image input '{graph.Inputs.Image}' of {graph.FileName} leaves the height open; give the height the model expects.");
        return new PreprocessSpec(width, height, image.Resize, image.ChannelOrder, image.Scale, image.Mean, image.Std, image.Layout);
    }

    private static int ResolveMaxLength(ModelManifest manifest, InferenceSession? full, InferenceSession? textEncoder, InferenceSession? fusion)
    {
        if (manifest.Tokenizer.MaxLength is { } configured)
        {
            return configured;
        }

        var (graph, session) = full is not null ? (manifest.Full!, full)
            : textEncoder is not null ? (manifest.TextEncoder!, textEncoder)
            : (manifest.Fusion!, fusion!);
        return (int?)GraphBinder.FixedDimension(session, graph.Inputs.Text, 1)
            ?? throw JsonFields.Error(manifest.Path, "tokenizer.maxLength", $"is missing, and the text input '{graph.Inputs.Text}' of {graph.FileName} leaves the length open; give the number of tokens per text.");
    }

    /// <summary>Warm-up inputs: a mid-grey image, the tokens of an empty text, zeros elsewhere.</summary>
    private static Func<BoundInput, Array> WarmUpRows(ImagePreprocessor preprocessor, TextTokenizer tokenizer)
    {
        var spec = preprocessor.Spec;
        var grey = new float[preprocessor.OutputLength];
        var pixels = new byte[spec.Width * spec.Height * 3];
        Array.Fill(pixels, (byte)128);
        preprocessor.Process(pixels, spec.Width, spec.Height, grey);
        var ids = new int[tokenizer.MaxLength];
        var mask = new int[tokenizer.MaxLength];
        tokenizer.Encode(string.Empty, ids, mask);
        return input =>
        {
            var row = BatchBuffers.Allocate(input.ElementType, input.RowLength, pinned: false);
            int[]? source = input.Role switch
            {
                InputRole.Text when input.ElementType != TensorElementType.Float => ids,
                InputRole.AttentionMask => mask,
                _ => null,
            };
            if (input.Role == InputRole.Image && input.RowLength == grey.Length)
            {
                grey.CopyTo((float[])row, 0);
            }
            else if (source is not null && source.Length == input.RowLength)
            {
                for (var i = 0; i < source.Length; i++)
                {
                    row.SetValue(Convert.ChangeType(source[i], row.GetType().GetElementType()!, System.Globalization.CultureInfo.InvariantCulture), i);
                }
            }

            return row;
        };
    }

    /// <summary>SHA-256 over each file's path relative to the manifest, its length and its bytes.</summary>
    private static string ContentHash(ModelManifest manifest)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var file in manifest.Files.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(manifest.Directory, file).Replace('\\', '/');
            using var stream = Files.SafeFiles.OpenRead(file, Files.FileKind.Graph);
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\n{stream.Length}\n"));
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Dispose(List<IDisposable> owned)
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            owned[i].Dispose();
        }
    }

    /// <summary>CUDA could not be used: the provider did not load (<see cref="ProviderLoad"/>) or a session failed on it.</summary>
    private sealed class CudaUnavailableException : Exception
    {
        public CudaUnavailableException(string reason, bool providerLoad, Exception innerException)
            : base(reason, innerException)
        {
            ProviderLoad = providerLoad;
        }

        public bool ProviderLoad { get; }
    }
}
