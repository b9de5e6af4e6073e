namespace Dime.Inference.Manifest;

/// <summary>
/// Manifest format 2: a model as named ONNX graphs whose inputs are each bound to a source, and the value that holds
/// the logits. Which graphs see only the image, only the text, or both follows from the bindings (Models/WiringPlan.cs).
/// </summary>
/// <param name="Field">Where it sits in the manifest ("graphs", or "full" for the one-graph reference).</param>
/// <param name="Logits">The parts of the label space, in order: one output, or several heads assembled into one vector.</param>
internal sealed record WiringSpec(string Field, IReadOnlyList<WiredGraphSpec> Graphs, IReadOnlyList<LogitPart> Logits);

/// <summary>
/// One part of the logits vector: the columns of a graph output, each multiplied by <paramref name="Scale"/>. A linear
/// map of a logit keeps DIME's additive split (M = UC + MI), so a binary head's "no" column can be its "yes" logit
/// times -1 (sigmoid(-x) = 1 - sigmoid(x)).
/// </summary>
/// <param name="Columns">Which values of the output's row, in order; null: all of them.</param>
/// <param name="Field">Where it sits in the manifest (logits, logits[2], full.output[1]).</param>
internal sealed record LogitPart(ValueRef Output, float Scale, IReadOnlyList<int>? Columns, string Field)
{
    public override string ToString() => Scale == 1f && Columns is null ? Output.ToString() : $"{Output}{(Columns is null ? string.Empty : $"[{string.Join(",", Columns)}]")}{(Scale == 1f ? string.Empty : $" x {Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}")}";
}

/// <summary>One graph of a wiring: its file and a source for every input.</summary>
/// <param name="Field">graphs.NAME (errors name it).</param>
internal sealed record WiredGraphSpec(string Name, string Field, string Path, IReadOnlyList<WiredInput> Inputs)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>A graph input and what feeds it.</summary>
internal sealed record WiredInput(string Name, InputSource Source, string Field);

internal enum SourceKind
{
    /// <summary>The preprocessed image (image.* of the manifest).</summary>
    Image,

    /// <summary>1 for every pixel of the model's image, [height, width] (images are resized, never padded).</summary>
    PixelMask,
    TokenIds,
    AttentionMask,

    /// <summary>0 for every token: one segment.</summary>
    TokenTypeIds,

    /// <summary>One number repeated over the whole input (its dimensions must be fixed).</summary>
    Constant,

    /// <summary>Another graph's named output.</summary>
    GraphOutput,
}

/// <param name="Output">For <see cref="SourceKind.GraphOutput"/>: which graph and output.</param>
/// <param name="Constant">For <see cref="SourceKind.Constant"/>: the value.</param>
internal sealed record InputSource(SourceKind Kind, ValueRef? Output = null, float Constant = 0f)
{
    /// <summary>How the manifest writes it.</summary>
    public override string ToString() => Kind switch
    {
        SourceKind.Image => "image",
        SourceKind.PixelMask => "image.pixelMask",
        SourceKind.TokenIds => "text.ids",
        SourceKind.AttentionMask => "text.attentionMask",
        SourceKind.TokenTypeIds => "text.tokenTypeIds",
        SourceKind.Constant => $"{{\"constant\": {Constant.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}",
        _ => Output!.ToString(),
    };

    /// <summary>The sources a manifest may name as strings (graph outputs are GRAPH.OUTPUT).</summary>
    public static readonly IReadOnlyDictionary<string, SourceKind> Named = new Dictionary<string, SourceKind>(StringComparer.Ordinal)
    {
        ["image"] = SourceKind.Image,
        ["image.pixelMask"] = SourceKind.PixelMask,
        ["text.ids"] = SourceKind.TokenIds,
        ["text.attentionMask"] = SourceKind.AttentionMask,
        ["text.tokenTypeIds"] = SourceKind.TokenTypeIds,
    };
}

/// <summary>A graph's named output: GRAPH.OUTPUT.</summary>
internal sealed record ValueRef(string Graph, string Output)
{
    public override string ToString() => $"{Graph}.{Output}";
}
