namespace Dime.Inference.Manifest;

/// <summary>A model folder's manifest.json, read and checked on its own (the graphs are checked when loaded).</summary>
internal sealed record ModelManifest(
    string Path,
    string Name,
    string? Description,
    GraphSpec? Full,
    GraphSpec? ImageEncoder,
    GraphSpec? TextEncoder,
    GraphSpec? Fusion,
    ImageSpec Image,
    TokenizerSpec Tokenizer,
    IReadOnlyList<string> Labels,
    string? ReferenceDataset = null,
    WiringSpec? Wiring = null,
    WiringSpec? FullWiring = null)
{
    /// <summary>The Hugging Face config.json whose id2label gave the labels ("labels": "config.json"), if one did.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>No manifest.json: DIME derived the manifest from a Hugging Face export folder (Manifest/HuggingFaceExport.cs).</summary>
    public bool Derived { get; init; }

    /// <summary>What the derivation could not honour exactly (listed with the model's warnings).</summary>
    public IReadOnlyList<string> DerivationWarnings { get; init; } = [];

    /// <summary>Format 2: the graphs and their bindings (Full, ImageEncoder, TextEncoder and Fusion are then null).</summary>
    public bool IsWired => Wiring is not null;

    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public IEnumerable<GraphSpec> Graphs => new[] { Full, ImageEncoder, TextEncoder, Fusion }.OfType<GraphSpec>();

    /// <summary>Every file the model is made of, for the content hash.</summary>
    public IEnumerable<string> Files => (Derived ? HuggingFaceExport.SourceFiles(Directory) : new[] { Path })
        .Concat(Graphs.Select(g => g.Path))
        .Concat(new[] { Wiring, FullWiring }.OfType<WiringSpec>().SelectMany(w => w.Graphs).Select(g => g.Path))
        .Append(Tokenizer.Vocabulary)
        .Concat(Tokenizer.Merges is null ? [] : [Tokenizer.Merges])
        .Concat(LabelsFile is null ? [] : [LabelsFile]);
}

internal enum GraphRole
{
    Full,
    ImageEncoder,
    TextEncoder,
    Fusion,
}

/// <summary>One ONNX graph: its file, which graph input carries which role, and the output used.</summary>
/// <param name="Field">Where it sits in the manifest, e.g. graphs.full (errors name it).</param>
internal sealed record GraphSpec(GraphRole Role, string Field, string Path, GraphInputs Inputs, string Output)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>Graph input names by role; null where the graph has no such input.</summary>
internal sealed record GraphInputs(string? Image, string? Text, string? AttentionMask, string? TokenTypeIds)
{
    public IEnumerable<(InputRole Role, string Name)> Declared
    {
        get
        {
            if (Image is not null)
            {
                yield return (InputRole.Image, Image);
            }

            if (Text is not null)
            {
                yield return (InputRole.Text, Text);
            }

            if (AttentionMask is not null)
            {
                yield return (InputRole.AttentionMask, AttentionMask);
            }

            if (TokenTypeIds is not null)
            {
                yield return (InputRole.TokenTypeIds, TokenTypeIds);
            }
        }
    }
}

internal enum InputRole
{
    Image,
    Text,
    AttentionMask,
    TokenTypeIds,
}

internal enum ResizeMode
{
    Area,
    Bilinear,
    Nearest,

    /// <summary>No resize: the image goes in at its own size, which must be the model's (image.width x image.height).</summary>
    None,

    // Pillow's Image.resize filters, 8-bit fixed point (Imaging/PillowResize.cs)
    PilNearest,
    PilBox,
    PilBilinear,
    PilHamming,
    PilBicubic,
    PilLanczos,
}

internal enum ChannelOrder
{
    Rgb,
    Bgr,
}

internal enum TensorLayout
{
    Nchw,
    Nhwc,
}

/// <summary>Image preprocessing. Width and height may be left to the graph when its image input has fixed dimensions.</summary>
internal sealed record ImageSpec(
    int? Width,
    int? Height,
    ResizeMode Resize,
    ChannelOrder ChannelOrder,
    float Scale,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Std,
    TensorLayout Layout);

internal enum TokenizerKind
{
    Words,
    WordPiece,
    Bpe,
}

internal sealed record TokenizerSpec(
    TokenizerKind Kind,
    string Vocabulary,
    string? Merges,
    bool Lowercase,
    string? Pattern,
    int? MaxLength,
    string? PadToken,
    string? UnknownToken,
    string? MaskToken,
    string? BosToken,
    string? EosToken,
    bool ByteLevel,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix);
