using Dime.Engine.Errors;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Models;
using Dime.Inference.Runtime;
using Dime.Inference.Text;
using Microsoft.ML.OnnxRuntime;

namespace Dime.Inference;

/// <summary>Loading a format-2 manifest: named graphs wired by name (Manifest/Wiring.cs, Models/WiringPlan.cs).</summary>
public static partial class OnnxModelLoader
{
    private static LoadedModel BuildWired(ModelManifest manifest, string hash, DeviceOptions device, InferenceOptions options, bool cuda, string? fallbackReason)
    {
        var owned = new List<IDisposable>();
        try
        {
            var sessionOptions = CreateSessionOptions(device, cuda);
            owned.Add(sessionOptions);
            Dictionary<string, WiredGraph> Open(WiringSpec spec)
            {
                var graphs = new Dictionary<string, WiredGraph>(StringComparer.Ordinal);
                foreach (var graph in spec.Graphs)
                {
                    var wired = new WiredGraph(graph, OpenSession(graph.Path, graph.Field, sessionOptions, cuda));
                    owned.Add(wired);
                    graphs[graph.Name] = wired;
                }

                return graphs;
            }

            var wiring = manifest.Wiring!;
            var graphs = Open(wiring);
            var fullGraphs = manifest.FullWiring is { } fullSpec ? Open(fullSpec) : null;
            var everyGraph = graphs.Values.Concat(fullGraphs?.Values.AsEnumerable() ?? []).ToList();

            var preprocessor = new ImagePreprocessor(ResolveWiredPreprocessing(manifest, everyGraph));
            var maxLength = manifest.Tokenizer.MaxLength ?? FirstFixed(everyGraph, SourceKind.TokenIds, 1)
                ?? throw JsonFields.Error(manifest.Path, "tokenizer.maxLength", "is missing, and no graph input bound to the text fixes its length; give the number of tokens per text.");
            var tokenizer = TokenizerFactory.Create(manifest.Tokenizer, manifest.Path, maxLength, options.MaxTextLength);
            if (tokenizer.VocabularySize > (1 << 24))
            {
                throw JsonFields.Error(manifest.Path, "tokenizer.vocabulary", "has more than 16,777,216 entries; a wired model carries token ids as float32, which holds ids up to that exactly.");
            }

            var batchCap = options.MaxBatchSize ?? (cuda ? 512 : 128);
            var pairCap = options.MaxFusionBatchSize ?? (cuda ? 4096 : 256);
            WiredModel Wire(WiringSpec spec, Dictionary<string, WiredGraph> opened) => new(
                WiringPlan.Build(manifest, spec, opened, preprocessor, tokenizer, manifest.Labels.Count, batchCap, pairCap, options.MemoryBudgetBytes),
                preprocessor,
                tokenizer,
                manifest.Labels,
                batchCap,
                options.CachedEncodings);

            var wired = Wire(wiring, graphs);
            var full = fullGraphs is null ? null : Wire(manifest.FullWiring!, fullGraphs);
            var info = new DeviceInfo(
                device.Device.ToString().ToLowerInvariant(),
                cuda ? "cuda" : "cpu",
                cuda ? device.DeviceId : null,
                fallbackReason,
                cuda && device.UseTf32,
                OrtRuntime.Version);
            owned.Reverse(); // the graphs before the session options they were made with
            return new LoadedModel(manifest, info, hash, tokenizer, preprocessor, null, null, null, null, [], [.. owned], options, wired, full);
        }
        catch (OnnxRuntimeException e) when (cuda)
        {
            Dispose(owned);
            throw new CudaUnavailableException(e.Message, providerLoad: false, e);
        }
        catch (DimeException e) when (cuda && e.Kind == ErrorKind.InferenceFailed && e.InnerException is OnnxRuntimeException)
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

    /// <summary>The image size from the manifest, else from the first graph input bound to the image that fixes it.</summary>
    private static PreprocessSpec ResolveWiredPreprocessing(ModelManifest manifest, IReadOnlyList<WiredGraph> graphs)
    {
        var image = manifest.Image;
        var nchw = image.Layout == TensorLayout.Nchw;
        var width = image.Width ?? FirstFixed(graphs, SourceKind.Image, nchw ? 3 : 2)
            ?? throw JsonFields.Error(manifest.Path, "image.width", "is missing, and no graph input bound to the image fixes the width; give the width the model expects.");
        var height = image.Height ?? FirstFixed(graphs, SourceKind.Image, nchw ? 2 : 1)
            ?? throw JsonFields.Error(manifest.Path, "image.height", "is missing, and no graph input bound to the image fixes the height; give the height the model expects.");
        return new PreprocessSpec(width, height, image.Resize, image.ChannelOrder, image.Scale, image.Mean, image.Std, image.Layout);
    }

    private static int? FirstFixed(IEnumerable<WiredGraph> graphs, SourceKind kind, int dimension)
    {
        foreach (var graph in graphs)
        {
            foreach (var input in graph.Spec.Inputs.Where(i => i.Source.Kind == kind))
            {
                if (graph.InputMetadata.TryGetValue(input.Name, out var meta) && meta.IsTensor && meta.Dimensions.Length > dimension && meta.Dimensions[dimension] > 0)
                {
                    return meta.Dimensions[dimension];
                }
            }
        }

        return null;
    }
}
