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
    private static LoadedModel BuildWired(ModelManifest manifest, string hash, Placement placement, InferenceOptions options, List<IDisposable> owned)
    {
        var sessions = placement.CreateSessions();
        owned.Add(sessions);
        Dictionary<string, WiredGraph> Open(WiringSpec spec)
        {
            var graphs = new Dictionary<string, WiredGraph>(StringComparer.Ordinal);
            foreach (var graph in spec.Graphs)
            {
                var wired = new WiredGraph(graph, sessions.Open(graph.Path, graph.Field));
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

        var batchCap = placement.BatchSize(options);
        var pairCap = placement.PairBatchSize(options);
        WiredModel Wire(WiringSpec spec, Dictionary<string, WiredGraph> opened) => new(
            WiringPlan.Build(manifest, spec, opened, preprocessor, tokenizer, manifest.Labels.Count, batchCap, pairCap, options.MemoryBudgetBytes),
            preprocessor,
            tokenizer,
            manifest.Labels,
            batchCap,
            options.CachedEncodings);

        var wired = Wire(wiring, graphs);
        var full = fullGraphs is null ? null : Wire(manifest.FullWiring!, fullGraphs);
        IDisposable[] resources = [.. Enumerable.Reverse(owned)]; // the graphs before the session options they were made with
        return new LoadedModel(manifest, placement.Info, hash, tokenizer, preprocessor, null, null, null, null, [], resources, options, wired, full);
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
