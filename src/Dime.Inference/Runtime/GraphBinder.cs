using Dime.Engine.Errors;
using Dime.Inference.Manifest;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dime.Inference.Runtime;

/// <summary>What DIME will feed into one role of a graph: allowed element types, the row shape, and which manifest
/// field decides each dimension (so that a mismatch names the field to fix).</summary>
/// <param name="Alternative">A row shape that would mean one specific field is wrong (the other image layout), and that field.</param>
internal sealed record InputExpectation(TensorElementType[] Types, long[] RowShape, string[] Blame, (long[] Row, string Field)? Alternative = null);

/// <summary>Checks a graph's declared inputs and outputs (names, element types, ranks, fixed dimensions) against the manifest.</summary>
internal static class GraphBinder
{
    public static string RoleKey(InputRole role) => role switch
    {
        InputRole.Image => "image",
        InputRole.Text => "text",
        InputRole.AttentionMask => "attentionMask",
        _ => "tokenTypeIds",
    };

    /// <summary>The graph's own fixed size of one dimension of an input, or null when it is dynamic or the input is absent.</summary>
    public static long? FixedDimension(InferenceSession session, string? input, int dimension)
    {
        if (input is null || !session.InputMetadata.TryGetValue(input, out var meta) || !meta.IsTensor || meta.Dimensions.Length <= dimension)
        {
            return null;
        }

        var value = meta.Dimensions[dimension];
        return value > 0 ? value : null;
    }

    /// <summary>
    /// Returns the inputs in the order DIME feeds them, the graph's fixed batch size (null when dynamic) and the output
    /// row shape when the graph fixes it (null when the first run must tell).
    /// </summary>
    public static (IReadOnlyList<BoundInput> Inputs, int? FixedBatch, long[]? OutputRow) Bind(
        GraphSpec spec, InferenceSession session, Func<InputRole, InputExpectation> expectationOf, int? labels)
    {
        var inputs = new List<BoundInput>();
        int? fixedBatch = null;
        var declared = spec.Inputs.Declared.ToList();
        foreach (var (role, name) in declared)
        {
            var field = $"{spec.Field}.inputs.{RoleKey(role)}";
            if (!session.InputMetadata.TryGetValue(name, out var meta))
            {
                throw Mismatch(field, $"the graph {spec.FileName} has no input named '{name}'; its inputs are: {Describe(session.InputMetadata)}.");
            }

            var expected = expectationOf(role);
            if (!meta.IsTensor || !expected.Types.Contains(meta.ElementDataType))
            {
                throw Mismatch(field, $"the graph input '{name}' of {spec.FileName} takes {Describe(meta)}; DIME feeds it {string.Join(" or ", expected.Types.Select(TypeName))}.");
            }

            var dims = meta.Dimensions;
            if (dims.Length != expected.RowShape.Length + 1)
            {
                throw Mismatch(field, $"the graph input '{name}' of {spec.FileName} has shape {Shape(dims)}; DIME feeds it [batch,{string.Join(",", expected.RowShape)}].");
            }

            if (dims[0] > 0)
            {
                if (fixedBatch is { } other && other != dims[0])
                {
                    throw Mismatch(field, $"the inputs of {spec.FileName} fix different batch sizes ({other} and {dims[0]}).");
                }

                fixedBatch = dims[0];
            }

            for (var d = 1; d < dims.Length; d++)
            {
                if (dims[d] > 0 && dims[d] != expected.RowShape[d - 1])
                {
                    var fitsAlternative = expected.Alternative is { } alternative && dims.Skip(1).Select((v, i) => v <= 0 || v == alternative.Row[i]).All(ok => ok);
                    var blame = fitsAlternative ? expected.Alternative!.Value.Field : expected.Blame[d - 1];
                    throw Mismatch(
                        blame,
                        $"the graph {spec.FileName} expects its input '{name}' as {Shape(dims)}, but with this manifest DIME would feed [batch,{string.Join(",", expected.RowShape)}] (dimension {d} comes from '{blame}').");
                }
            }

            inputs.Add(new BoundInput(role, name, meta.ElementDataType, expected.RowShape));
        }

        foreach (var name in session.InputMetadata.Keys)
        {
            if (!declared.Any(d => d.Name == name))
            {
                throw Mismatch(
                    $"{spec.Field}.inputs",
                    $"the graph {spec.FileName} has an input '{name}' ({Describe(session.InputMetadata[name])}) that the manifest does not map; name it under image, text, attentionMask or tokenTypeIds.");
            }
        }

        var outputField = $"{spec.Field}.output";
        if (!session.OutputMetadata.TryGetValue(spec.Output, out var output))
        {
            throw Mismatch(outputField, $"the graph {spec.FileName} has no output named '{spec.Output}'; its outputs are: {Describe(session.OutputMetadata)}.");
        }

        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
        {
            throw Mismatch(outputField, $"the graph output '{spec.Output}' of {spec.FileName} is {Describe(output)}; DIME reads float32.");
        }

        var outDims = output.Dimensions;
        if (outDims.Length < 2 && outDims.Length != 0)
        {
            throw Mismatch(outputField, $"the graph output '{spec.Output}' of {spec.FileName} has shape {Shape(outDims)}; DIME needs [batch, ...].");
        }

        if (labels is { } count)
        {
            if (outDims.Length > 2)
            {
                throw Mismatch(outputField, $"the graph output '{spec.Output}' of {spec.FileName} has shape {Shape(outDims)}; logits must be [batch,labels].");
            }

            if (outDims.Length == 2 && outDims[1] > 0 && outDims[1] != count)
            {
                throw Mismatch("labels", $"the graph {spec.FileName} outputs {outDims[1]} logits per row in '{spec.Output}', but the manifest lists {count} labels.");
            }
        }

        long[]? outputRow = outDims.Length >= 2 && outDims.Skip(1).All(d => d > 0) ? outDims.Skip(1).Select(d => (long)d).ToArray() : null;
        return (inputs, fixedBatch, outputRow);
    }

    public static DimeException Mismatch(string field, string message) =>
        new(ErrorKind.ManifestGraphMismatch, $"Manifest field '{field}' does not match the graph: {message}", field);

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        string.Join(", ", metadata.Select(kv => $"{kv.Key} ({Describe(kv.Value)})"));

    private static string Describe(NodeMetadata meta) => meta.IsTensor ? $"{TypeName(meta.ElementDataType)} {Shape(meta.Dimensions)}" : meta.OnnxValueType.ToString();

    private static string Shape(int[] dims) => "[" + string.Join(",", dims.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : i == 0 ? "batch" : "?")) + "]";

    private static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "float64",
        TensorElementType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };
}
