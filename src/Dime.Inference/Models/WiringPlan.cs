using Dime.Engine.Errors;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Runtime;
using Dime.Inference.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dime.Inference.Models;

/// <summary>Which inputs of the model a graph's values depend on.</summary>
internal enum Side
{
    /// <summary>The image only (or nothing but constants): run once per distinct image.</summary>
    Image,

    /// <summary>The text only: run once per distinct text.</summary>
    Text,

    /// <summary>Both: run for every (image, text) pair.</summary>
    Pair,
}

/// <summary>A named value's place in a side's cached bundle (one float row per image or text).</summary>
internal sealed record BundleSlot(string Key, int Offset, int Length);

/// <summary>The values one side hands to the pair graphs, laid out one after the other in a float row.</summary>
internal sealed record Bundle(IReadOnlyList<BundleSlot> Slots)
{
    public int Length => Slots.Sum(s => s.Length);
}

/// <summary>
/// A format-2 wiring checked against its graphs and split by what each graph depends on. Built at load:
/// every input bound and every binding a real input; no cycle; each input's element type and fixed dimensions fit
/// its source (the preprocessed image, the tokens, or an upstream output whose shape a warm-up run reveals); the
/// logits come from a graph that sees both image and text. Image-side and text-side values that pair graphs read
/// form the two bundles that <see cref="Dime.Engine.Models.SplitModel"/> caches per distinct input.
/// </summary>
internal sealed class WiringPlan
{
    private WiringPlan(
        WiringSpec spec,
        IReadOnlyList<WiredGraph> order,
        IReadOnlyDictionary<string, Side> sides,
        IReadOnlyDictionary<string, long[]> rowShapes,
        IReadOnlyDictionary<string, IReadOnlyList<string>> outputsRead,
        Bundle imageBundle,
        Bundle textBundle)
    {
        Spec = spec;
        Order = order;
        Sides = sides;
        RowShapes = rowShapes;
        OutputsRead = outputsRead;
        ImageBundle = imageBundle;
        TextBundle = textBundle;
    }

    public WiringSpec Spec { get; }

    /// <summary>Every graph, each after the graphs it reads from.</summary>
    public IReadOnlyList<WiredGraph> Order { get; }

    public IReadOnlyDictionary<string, Side> Sides { get; }

    /// <summary>The shape of one row of every named value (sources and graph outputs read).</summary>
    public IReadOnlyDictionary<string, long[]> RowShapes { get; }

    /// <summary>Per graph, the outputs other graphs (or the logits) read.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> OutputsRead { get; }

    public Bundle ImageBundle { get; }

    public Bundle TextBundle { get; }

    public string LogitsKey => Spec.Logits.ToString();

    public IEnumerable<WiredGraph> GraphsOn(Side side) => Order.Where(g => Sides[g.Name] == side);

    public static string KeyOf(InputSource source) => source.ToString();

    public static WiringPlan Build(
        ModelManifest manifest,
        WiringSpec spec,
        IReadOnlyDictionary<string, WiredGraph> graphs,
        ImagePreprocessor preprocessor,
        TextTokenizer tokenizer,
        int labels,
        int maxBatchCap,
        int maxPairBatchCap,
        long memoryBudgetBytes)
    {
        CheckNames(spec, graphs);
        var order = TopologicalOrder(spec, graphs);
        var sides = new Dictionary<string, Side>(StringComparer.Ordinal);
        foreach (var graph in order)
        {
            sides[graph.Name] = SideOf(graph.Spec, sides);
        }

        var outputsRead = spec.Graphs.ToDictionary(
            g => g.Name,
            g => (IReadOnlyList<string>)spec.Graphs.SelectMany(c => c.Inputs).Select(i => i.Source.Output).OfType<ValueRef>()
                .Append(spec.Logits).Where(r => r.Graph == g.Name).Select(r => r.Output).Distinct().ToList(),
            StringComparer.Ordinal);
        if (spec.Graphs.FirstOrDefault(g => outputsRead[g.Name].Count == 0) is { } unused)
        {
            throw Error(unused.Field, $"no graph reads an output of {unused.FileName} and it does not give the logits; bind its outputs or remove it.");
        }

        if (sides[spec.Logits.Graph] != Side.Pair)
        {
            throw Error(
                "logits",
                $"'{spec.Logits}' depends on the {(sides[spec.Logits.Graph] == Side.Text ? "text" : "image")} only; DIME explains a model of both, so the logits must come from a graph that sees the image and the text.");
        }

        // warm-up: one batch through every graph in order, which checks each binding and reveals the output shapes
        var rowShapes = SourceShapes(preprocessor, tokenizer.MaxLength);
        var values = WarmUpValues(preprocessor, tokenizer);
        foreach (var graph in order)
        {
            var (bindings, fixedBatch) = BindInputs(graph, rowShapes);
            graph.Bind(bindings, fixedBatch);
            var batch = fixedBatch ?? 1;
            var inputs = bindings.Select(b => b.Input.Source.Kind == SourceKind.Constant ? null : Repeat(values[KeyOf(b.Input.Source)], batch)).ToList();
            var read = outputsRead[graph.Name];
            List<(long[] Shape, TensorElementType Type, float[] Values)> outputs;
            try
            {
                outputs = graph.Probe(inputs, batch, read);
            }
            catch (OnnxRuntimeException e)
            {
                throw new DimeException(ErrorKind.InferenceFailed, $"Running {graph.Spec.FileName} ({graph.Spec.Field}) once at load failed: {e.Message}", graph.Spec.Field, e);
            }

            var shapes = new List<(string, long[])>();
            for (var o = 0; o < read.Count; o++)
            {
                var (shape, type, data) = outputs[o];
                var key = $"{graph.Name}.{read[o]}";
                if (type != TensorElementType.Float)
                {
                    throw Error(graph.Spec.Field, $"the output '{read[o]}' of {graph.Spec.FileName} holds {type}; DIME passes float32 values between graphs and reads float32 logits.");
                }

                if (shape.Length < 2 || shape[0] != batch)
                {
                    throw Error(graph.Spec.Field, $"the output '{read[o]}' of {graph.Spec.FileName} has shape [{string.Join(",", shape)}] for a batch of {batch}; DIME needs the batch first and at least one value per row.");
                }

                var row = shape[1..];
                rowShapes[key] = row;
                values[key] = data.AsSpan(0, checked((int)row.Aggregate(1L, (a, b) => a * b))).ToArray();
                shapes.Add((read[o], row));
            }

            var rowBytes = bindings.Sum(b => (long)b.RowLength * 8) + shapes.Sum(s => s.Item2.Aggregate(1L, (a, b) => a * b) * 4);
            var cap = sides[graph.Name] == Side.Pair ? maxPairBatchCap : maxBatchCap;
            graph.SetOutputs(shapes, (int)Math.Clamp(memoryBudgetBytes / Math.Max(1, rowBytes), 1, Math.Max(1, cap)));
        }

        var logits = rowShapes[spec.Logits.ToString()];
        if (logits.Length != 1 || logits[0] != labels)
        {
            throw new DimeException(
                ErrorKind.ManifestGraphMismatch,
                $"Manifest field 'labels' does not match the graph: '{spec.Logits}' gives [{string.Join(",", logits)}] per row, but the manifest lists {labels} labels (logits must be [batch,labels]).",
                "labels");
        }

        return new WiringPlan(spec, order, sides, rowShapes, outputsRead, BundleOf(Side.Image, spec, sides, rowShapes), BundleOf(Side.Text, spec, sides, rowShapes));
    }

    private static DimeException Error(string field, string message) => GraphBinder.Mismatch(field, message);

    private static void CheckNames(WiringSpec spec, IReadOnlyDictionary<string, WiredGraph> graphs)
    {
        foreach (var graphSpec in spec.Graphs)
        {
            var graph = graphs[graphSpec.Name];
            foreach (var input in graphSpec.Inputs)
            {
                if (!graph.InputMetadata.ContainsKey(input.Name))
                {
                    throw Error(input.Field, $"the graph {graphSpec.FileName} has no input named '{input.Name}'; its inputs are: {Describe(graph.InputMetadata)}.");
                }

                if (input.Source.Output is { } output && !graphs[output.Graph].OutputMetadata.ContainsKey(output.Output))
                {
                    throw Error(input.Field, $"the graph {graphs[output.Graph].Spec.FileName} ('{output.Graph}') has no output named '{output.Output}'; its outputs are: {Describe(graphs[output.Graph].OutputMetadata)}.");
                }
            }

            foreach (var name in graph.InputMetadata.Keys)
            {
                if (!graphSpec.Inputs.Any(i => i.Name == name))
                {
                    throw Error($"{graphSpec.Field}.inputs", $"the input '{name}' ({Describe(graph.InputMetadata[name])}) of {graphSpec.FileName} is not bound; bind it to image, image.pixelMask, text.ids, text.attentionMask, text.tokenTypeIds, GRAPH.OUTPUT or {{\"constant\": NUMBER}}.");
                }
            }
        }

        var logitsGraph = graphs[spec.Logits.Graph];
        if (!logitsGraph.OutputMetadata.ContainsKey(spec.Logits.Output))
        {
            var field = spec.Field == "full" ? "full.output" : "logits";
            throw Error(field, $"the graph {logitsGraph.Spec.FileName} has no output named '{spec.Logits.Output}'; its outputs are: {Describe(logitsGraph.OutputMetadata)}.");
        }
    }

    /// <summary>Kahn's algorithm; what is left over lies on a cycle.</summary>
    private static List<WiredGraph> TopologicalOrder(WiringSpec spec, IReadOnlyDictionary<string, WiredGraph> graphs)
    {
        var dependsOn = spec.Graphs.ToDictionary(
            g => g.Name,
            g => g.Inputs.Select(i => i.Source.Output?.Graph).OfType<string>().ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var order = new List<WiredGraph>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (order.Count < spec.Graphs.Count)
        {
            var ready = spec.Graphs.FirstOrDefault(g => !done.Contains(g.Name) && dependsOn[g.Name].All(done.Contains));
            if (ready is null)
            {
                var cycle = spec.Graphs.Where(g => !done.Contains(g.Name)).Select(g => g.Name).ToList();
                throw Error(spec.Field, $"the graphs {string.Join(", ", cycle)} read each other's outputs in a cycle; a model's graphs must run one after another.");
            }

            done.Add(ready.Name);
            order.Add(graphs[ready.Name]);
        }

        return order;
    }

    private static Side SideOf(WiredGraphSpec graph, IReadOnlyDictionary<string, Side> known)
    {
        bool image = false, text = false;
        foreach (var input in graph.Inputs)
        {
            switch (input.Source.Kind)
            {
                case SourceKind.Image or SourceKind.PixelMask:
                    image = true;
                    break;
                case SourceKind.TokenIds or SourceKind.AttentionMask or SourceKind.TokenTypeIds:
                    text = true;
                    break;
                case SourceKind.GraphOutput:
                    // a graph of constants only sits on the image side (its outputs are cached with the image's)
                    var side = known[input.Source.Output!.Graph];
                    image |= side is Side.Image or Side.Pair;
                    text |= side is Side.Text or Side.Pair;
                    break;
            }
        }

        return image && text ? Side.Pair : text ? Side.Text : Side.Image;
    }

    private static Dictionary<string, long[]> SourceShapes(ImagePreprocessor preprocessor, int maxLength) => new(StringComparer.Ordinal)
    {
        ["image"] = preprocessor.RowShape,
        ["image.pixelMask"] = [preprocessor.Spec.Height, preprocessor.Spec.Width],
        ["text.ids"] = [maxLength],
        ["text.attentionMask"] = [maxLength],
        ["text.tokenTypeIds"] = [maxLength],
    };

    /// <summary>A mid-grey image, the tokens of an empty text: one row of each source.</summary>
    private static Dictionary<string, float[]> WarmUpValues(ImagePreprocessor preprocessor, TextTokenizer tokenizer)
    {
        var spec = preprocessor.Spec;
        var grey = new float[preprocessor.OutputLength];
        var pixels = new byte[spec.Width * spec.Height * 3];
        Array.Fill(pixels, (byte)128);
        preprocessor.Process(pixels, spec.Width, spec.Height, grey);
        var ids = new int[tokenizer.MaxLength];
        var mask = new int[tokenizer.MaxLength];
        tokenizer.Encode(string.Empty, ids, mask);
        var ones = new float[spec.Width * spec.Height];
        Array.Fill(ones, 1f);
        return new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["image"] = grey,
            ["image.pixelMask"] = ones,
            ["text.ids"] = ids.Select(i => (float)i).ToArray(),
            ["text.attentionMask"] = mask.Select(i => (float)i).ToArray(),
            ["text.tokenTypeIds"] = new float[tokenizer.MaxLength],
        };
    }

    private static float[] Repeat(float[] row, int batch)
    {
        var values = new float[row.Length * batch];
        for (var b = 0; b < batch; b++)
        {
            row.CopyTo(values, b * row.Length);
        }

        return values;
    }

    /// <summary>Checks each input's element type, rank and fixed dimensions against its source.</summary>
    private static (List<WiredBinding> Bindings, int? FixedBatch) BindInputs(WiredGraph graph, IReadOnlyDictionary<string, long[]> rowShapes)
    {
        var bindings = new List<WiredBinding>();
        int? fixedBatch = null;
        foreach (var input in graph.Spec.Inputs)
        {
            var meta = graph.InputMetadata[input.Name];
            var source = input.Source;
            TensorElementType[] types = source.Kind switch
            {
                SourceKind.Image or SourceKind.GraphOutput => [TensorElementType.Float],
                _ => [TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Float],
            };
            if (!meta.IsTensor || !types.Contains(meta.ElementDataType))
            {
                throw Error(input.Field, $"the input '{input.Name}' of {graph.Spec.FileName} takes {Describe(meta)}; '{source}' gives {string.Join(" or ", types.Select(TypeName))}.");
            }

            var dims = meta.Dimensions;
            long[] row;
            if (source.Kind == SourceKind.Constant)
            {
                if (dims.Length < 1 || dims.Skip(1).Any(d => d <= 0))
                {
                    throw Error(input.Field, $"the input '{input.Name}' of {graph.Spec.FileName} has shape {Shape(dims)}; a constant fills an input whose dimensions (after the batch) are all fixed.");
                }

                row = dims.Skip(1).Select(d => (long)d).ToArray();
            }
            else
            {
                row = rowShapes[KeyOf(source)];
                if (dims.Length != row.Length + 1)
                {
                    throw Error(input.Field, $"the input '{input.Name}' of {graph.Spec.FileName} has shape {Shape(dims)}; '{source}' gives [batch,{string.Join(",", row)}].");
                }

                for (var d = 1; d < dims.Length; d++)
                {
                    if (dims[d] > 0 && dims[d] != row[d - 1])
                    {
                        throw Error(input.Field, $"the input '{input.Name}' of {graph.Spec.FileName} has shape {Shape(dims)}; '{source}' gives [batch,{string.Join(",", row)}] (dimension {d} differs).");
                    }
                }
            }

            if (dims.Length > 0 && dims[0] > 0)
            {
                if (fixedBatch is { } other && other != dims[0])
                {
                    throw Error(graph.Spec.Field, $"the inputs of {graph.Spec.FileName} fix different batch sizes ({other} and {dims[0]}).");
                }

                fixedBatch = dims[0];
            }

            bindings.Add(new WiredBinding(input, meta.ElementDataType, row));
        }

        return (bindings, fixedBatch);
    }

    /// <summary>The values of one side that a pair graph reads, in the order the pair graphs read them.</summary>
    private static Bundle BundleOf(Side side, WiringSpec spec, IReadOnlyDictionary<string, Side> sides, IReadOnlyDictionary<string, long[]> rowShapes)
    {
        var slots = new List<BundleSlot>();
        var offset = 0;
        foreach (var input in spec.Graphs.Where(g => sides[g.Name] == Side.Pair).SelectMany(g => g.Inputs))
        {
            if (input.Source.Kind == SourceKind.Constant || SideOfSource(input.Source, sides) != side)
            {
                continue;
            }

            var key = KeyOf(input.Source);
            if (slots.Any(s => s.Key == key))
            {
                continue;
            }

            var length = checked((int)rowShapes[key].Aggregate(1L, (a, b) => a * b));
            slots.Add(new BundleSlot(key, offset, length));
            offset += length;
        }

        return new Bundle(slots);
    }

    private static Side SideOfSource(InputSource source, IReadOnlyDictionary<string, Side> sides) => source.Kind switch
    {
        SourceKind.Image or SourceKind.PixelMask => Side.Image,
        SourceKind.GraphOutput => sides[source.Output!.Graph],
        _ => Side.Text,
    };

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        string.Join(", ", metadata.Select(kv => $"{kv.Key} ({Describe(kv.Value)})"));

    private static string Describe(NodeMetadata meta) => meta.IsTensor ? $"{TypeName(meta.ElementDataType)} {Shape(meta.Dimensions)}" : meta.OnnxValueType.ToString();

    private static string Shape(int[] dims) => "[" + string.Join(",", dims.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : i == 0 ? "batch" : "?")) + "]";

    private static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        _ => type.ToString().ToLowerInvariant(),
    };
}
