using System.Globalization;
using System.Reflection;
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
        OrtRuntime.EnsureEnvironment();
        var manifest = ManifestReader.Read(manifestPath);
        var hash = ContentHash(manifest);
        options ??= InferenceOptions.Default;
        return DevicePlacement.Place(device ?? DeviceOptions.Auto, placement => Assemble(manifest, placement, owned => manifest.IsWired
            ? BuildWired(manifest, hash, placement, options, owned)
            : Build(manifest, hash, placement, options, owned)));
    }

    /// <summary>The ONNX Runtime release DIME is built with (the managed assembly's version; the native library ships with it).</summary>
    public static string OnnxRuntimeVersion { get; } =
        typeof(InferenceSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(InferenceSession).Assembly.GetName().Version?.ToString(3)
        ?? "unknown";

    /// <summary>
    /// Where models would run, before any is loaded: loads the CUDA provider when <paramref name="device"/> allows it.
    /// A model's own <see cref="LoadedModel.Device"/> is authoritative, since a session can still fail on CUDA after
    /// the provider loaded.
    /// </summary>
    /// <exception cref="DimeException">DeviceUnavailable when CUDA is required and cannot be loaded.</exception>
    public static DeviceInfo ProbeDevice(DeviceOptions? device = null) => DevicePlacement.Probe(device ?? DeviceOptions.Auto);

    /// <summary>
    /// Builds a model with <paramref name="build"/>, which adds what it creates to the list it is given; on failure
    /// disposes that list and says whose fault it is: on CUDA, any ONNX Runtime error is the device's (the placement
    /// then tries the CPU); on the CPU, it is the model's (InferenceFailed: running it once at load failed).
    /// </summary>
    private static LoadedModel Assemble(ModelManifest manifest, Placement placement, Func<List<IDisposable>, LoadedModel> build)
    {
        var owned = new List<IDisposable>();
        try
        {
            return build(owned);
        }
        catch (Exception e) when (placement.Cuda && e is OnnxRuntimeException or DimeException { Kind: ErrorKind.InferenceFailed, InnerException: OnnxRuntimeException })
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

    /// <summary>Format 1: graphs by role (full, imageEncoder, textEncoder, fusion), bound to the manifest's inputs.</summary>
    private static LoadedModel Build(ModelManifest manifest, string hash, Placement placement, InferenceOptions options, List<IDisposable> owned)
    {
        var sessions = placement.CreateSessions();
        owned.Add(sessions);
        InferenceSession? Open(GraphSpec? graph)
        {
            if (graph is null)
            {
                return null;
            }

            var session = sessions.Open(graph.Path, graph.Field);
            owned.Add(session);
            return session;
        }

        var fullSession = Open(manifest.Full);
        var imageSession = Open(manifest.ImageEncoder);
        var textSession = Open(manifest.TextEncoder);
        var fusionSession = Open(manifest.Fusion);

        var preprocessor = new ImagePreprocessor(ResolvePreprocessing(manifest, fullSession, imageSession, fusionSession, options.MemoryBudgetBytes));
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

        var maxBatch = placement.BatchSize(options);
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
            placement.PairBatchSize(options));

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

        return new LoadedModel(manifest, placement.Info, hash, tokenizer, preprocessor, full, imageEncoder, textEncoder, fusion, runners, [sessions], options);
    }

    private static InputExpectation Features(GraphRunner encoder) =>
        new([TensorElementType.Float], encoder.OutputRowShape, Enumerable.Repeat($"{encoder.Spec.Field}.output", encoder.OutputRowShape.Length).ToArray());

    private static PreprocessSpec ResolvePreprocessing(ModelManifest manifest, InferenceSession? full, InferenceSession? imageEncoder, InferenceSession? fusion, long tensorBudgetBytes)
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
        CheckImageTensorBytes(manifest, width, height, tensorBudgetBytes);
        return new PreprocessSpec(width, height, image.Resize, image.ChannelOrder, image.Scale, image.Mean, image.Std, image.Layout);
    }

    /// <summary>
    /// One image's float32 tensor (3 x height x width) must fit the memory budget of a batch: a graph that leaves the
    /// image size open takes whatever the manifest asks for, and 16384 x 16384 would be 3 GiB per image. Checked
    /// before anything of that size is allocated (the warm-up image, the preprocessing tables, the batch buffers).
    /// </summary>
    private static void CheckImageTensorBytes(ModelManifest manifest, int width, int height, long tensorBudgetBytes)
    {
        var bytes = 3L * width * height * sizeof(float);
        if (bytes > tensorBudgetBytes)
        {
            var field = manifest.Image.Width is not null ? "image.width" : "image.height";
            throw new DimeException(
                ErrorKind.ManifestInvalid,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"One image tensor of {width}x{height} (3 x {height} x {width} float32) is {bytes / (1024.0 * 1024):0.#} MiB; the limit is {tensorBudgetBytes >> 20} MiB per image (the inference memory budget). Give the image size the model was trained at."),
                field);
        }
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
}
