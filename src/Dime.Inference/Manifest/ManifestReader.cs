using System.Text.Json;
using System.Text.RegularExpressions;
using Dime.Engine.Errors;
using Dime.Inference.Files;

namespace Dime.Inference.Manifest;

/// <summary>Reads manifest.json (format described in docs/manifest.md) and checks everything that does not need the graphs.</summary>
internal static class ManifestReader
{
    public const int FormatVersion = 1;

    /// <summary>Graphs wired by name (Manifest/Wiring.cs); format 1 keeps loading.</summary>
    public const int WiredFormatVersion = 2;

    public static ModelManifest Read(string manifestPath)
    {
        var path = SafeFiles.CheckPath(manifestPath, FileKind.Manifest.Name);
        if (System.IO.Directory.Exists(path))
        {
            path = Path.Combine(path, "manifest.json");
        }

        var bytes = SafeFiles.ReadAllBytes(path, FileKind.Manifest);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = 16,
            });
        }
        catch (JsonException e)
        {
            throw new DimeException(ErrorKind.ManifestInvalid, $"Model manifest {path} is not valid JSON: {e.Message}", path, e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DimeException(ErrorKind.ManifestInvalid, $"Model manifest {path} must hold a JSON object.", path);
            }

            return Read(new JsonFields(document.RootElement, string.Empty, path), path);
        }
    }

    private static ModelManifest Read(JsonFields root, string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var version = root.Int("version", 1, int.MaxValue) ?? FormatVersion;
        if (version != FormatVersion && version != WiredFormatVersion)
        {
            throw root.Invalid("version", $"this DIME reads manifest formats {FormatVersion} and {WiredFormatVersion}, the file says {version}.");
        }

        var name = root.String("name") ?? Path.GetFileName(directory);
        var description = root.String("description");
        var output = root.String("output") ?? "logits";
        if (!string.Equals(output, "logits", StringComparison.Ordinal))
        {
            throw root.Invalid("output", $"is '{output}', but DIME needs pre-softmax logits (additivity does not survive a softmax); export the graph before its softmax and write \"logits\".");
        }

        GraphSpec? full = null, imageEncoder = null, textEncoder = null, fusion = null;
        WiringSpec? wiring = null, fullWiring = null;
        if (version == WiredFormatVersion)
        {
            wiring = WiringReader.ReadGraphs(root, directory);
            fullWiring = WiringReader.ReadFull(root, directory);
        }
        else
        {
            (full, imageEncoder, textEncoder, fusion) = ReadRoleGraphs(root, directory);
        }

        var image = ReadImage(root.RequiredObject("image"));
        var tokenizer = ReadTokenizer(root.RequiredObject("tokenizer"), directory);
        var labels = root.Strings("labels");
        if (labels.Count == 0)
        {
            throw root.Invalid("labels", "must list at least one label (one per logit).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(labels[i]))
            {
                throw root.Invalid($"labels[{i}]", "must not be empty.");
            }

            if (!seen.Add(labels[i]))
            {
                throw root.Invalid($"labels[{i}]", $"repeats the label '{labels[i]}'.");
            }
        }

        var referenceDataset = root.String("referenceDataset") is { } reference ? SafeFiles.CheckPath(Path.Combine(directory, reference), "referenceDataset") : null;
        root.RejectUnknown();
        return new ModelManifest(path, name, description, full, imageEncoder, textEncoder, fusion, image, tokenizer, labels, referenceDataset, wiring, fullWiring);
    }

    /// <summary>Format 1: the four fixed roles.</summary>
    private static (GraphSpec? Full, GraphSpec? ImageEncoder, GraphSpec? TextEncoder, GraphSpec? Fusion) ReadRoleGraphs(JsonFields root, string directory)
    {
        var graphs = root.RequiredObject("graphs");
        var full = ReadGraph(graphs, "full", GraphRole.Full, directory);
        var imageEncoder = ReadGraph(graphs, "imageEncoder", GraphRole.ImageEncoder, directory);
        var textEncoder = ReadGraph(graphs, "textEncoder", GraphRole.TextEncoder, directory);
        var fusion = ReadGraph(graphs, "fusion", GraphRole.Fusion, directory);
        graphs.RejectUnknown();
        if (full is null && fusion is null)
        {
            throw graphs.Invalid("graphs", "declares neither a 'full' graph nor a 'fusion' head; at least one is needed.");
        }

        if (fusion is null && (imageEncoder is not null || textEncoder is not null))
        {
            throw graphs.Invalid("graphs.fusion", "is missing: encoders are only used together with a fusion head.");
        }

        return (full, imageEncoder, textEncoder, fusion);
    }

    private static GraphSpec? ReadGraph(JsonFields graphs, string key, GraphRole role, string directory)
    {
        var graph = graphs.Object(key);
        if (graph is null)
        {
            return null;
        }

        var file = ResolveFile(graph, "path", directory, FileKind.Graph);
        var inputs = graph.RequiredObject("inputs");
        var image = role is GraphRole.TextEncoder ? null : inputs.String("image");
        var text = role is GraphRole.ImageEncoder ? null : inputs.String("text");
        var mask = role is GraphRole.ImageEncoder ? null : inputs.String("attentionMask");
        var typeIds = role is GraphRole.ImageEncoder ? null : inputs.String("tokenTypeIds");
        if (role is not GraphRole.TextEncoder && string.IsNullOrWhiteSpace(image))
        {
            throw inputs.Invalid(inputs.Field("image"), "is missing: name the graph input that takes the image.");
        }

        if (role is not GraphRole.ImageEncoder && string.IsNullOrWhiteSpace(text))
        {
            throw inputs.Invalid(inputs.Field("text"), "is missing: name the graph input that takes the text (token ids or text features).");
        }

        inputs.RejectUnknown();
        var output = graph.RequiredString("output");
        graph.RejectUnknown();
        return new GraphSpec(role, graph.Prefix, file, new GraphInputs(image, text, mask, typeIds), output);
    }

    private static ImageSpec ReadImage(JsonFields image)
    {
        var spec = new ImageSpec(
            image.Int("width", 1, 16384),
            image.Int("height", 1, 16384),
            image.Enum(
                "resize",
                ResizeMode.Bilinear,
                ("area", ResizeMode.Area),
                ("bilinear", ResizeMode.Bilinear),
                ("nearest", ResizeMode.Nearest),
                ("pil-nearest", ResizeMode.PilNearest),
                ("pil-box", ResizeMode.PilBox),
                ("pil-bilinear", ResizeMode.PilBilinear),
                ("pil-hamming", ResizeMode.PilHamming),
                ("pil-bicubic", ResizeMode.PilBicubic),
                ("pil-lanczos", ResizeMode.PilLanczos)),
            image.Enum("channelOrder", ChannelOrder.Rgb, ("rgb", ChannelOrder.Rgb), ("bgr", ChannelOrder.Bgr)),
            image.Number("scale", positive: true) ?? 1f / 255f,
            image.Numbers("mean", 3, positive: false) ?? [0f, 0f, 0f],
            image.Numbers("std", 3, positive: true) ?? [1f, 1f, 1f],
            image.Enum("layout", TensorLayout.Nchw, ("nchw", TensorLayout.Nchw), ("nhwc", TensorLayout.Nhwc)));
        image.RejectUnknown();
        return spec;
    }

    private static TokenizerSpec ReadTokenizer(JsonFields tokenizer, string directory)
    {
        if (!tokenizer.Has("kind"))
        {
            throw tokenizer.Invalid(tokenizer.Field("kind"), "is missing; use words, wordpiece or bpe.");
        }

        var kindText = tokenizer.RequiredString("kind");
        var kind = kindText.ToUpperInvariant() switch
        {
            "WORDS" => TokenizerKind.Words,
            "WORDPIECE" => TokenizerKind.WordPiece,
            "BPE" => TokenizerKind.Bpe,
            _ => throw tokenizer.Invalid(tokenizer.Field("kind"), $"unknown tokenizer kind '{kindText}'; use words (a vocabulary and a word pattern), wordpiece (BERT-style vocab.txt) or bpe (vocab.json + merges.txt)."),
        };

        var vocabulary = ResolveFile(tokenizer, "vocabulary", directory, FileKind.Vocabulary);
        string? merges = null;
        if (kind == TokenizerKind.Bpe)
        {
            merges = ResolveFile(tokenizer, "merges", directory, FileKind.Vocabulary);
        }
        else
        {
            RefuseFor(tokenizer, "merges", kind);
        }

        var pattern = tokenizer.String("pattern");
        if (pattern is not null)
        {
            if (kind == TokenizerKind.WordPiece)
            {
                throw tokenizer.Invalid(tokenizer.Field("pattern"), "is not used by wordpiece (BERT's basic tokenization splits the words); remove it.");
            }

            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw tokenizer.Invalid(tokenizer.Field("pattern"), $"is not a valid regular expression: {e.Message}");
            }
        }

        var padding = tokenizer.String("padding") ?? "maxLength";
        if (!string.Equals(padding, "maxLength", StringComparison.OrdinalIgnoreCase))
        {
            throw tokenizer.Invalid(tokenizer.Field("padding"), $"'{padding}' is not supported; texts are always padded to maxLength (write \"maxLength\" or leave it out).");
        }

        var byteLevel = tokenizer.Bool("byteLevel", false);
        if (byteLevel && kind != TokenizerKind.Bpe)
        {
            throw tokenizer.Invalid(tokenizer.Field("byteLevel"), "only applies to bpe.");
        }

        var endOfWordSuffix = tokenizer.String("endOfWordSuffix");
        if (endOfWordSuffix is not null && kind != TokenizerKind.Bpe)
        {
            throw tokenizer.Invalid(tokenizer.Field("endOfWordSuffix"), "only applies to bpe.");
        }

        var prefix = tokenizer.String("continuingSubwordPrefix");
        if (prefix is not null && kind == TokenizerKind.Words)
        {
            throw tokenizer.Invalid(tokenizer.Field("continuingSubwordPrefix"), "only applies to wordpiece and bpe.");
        }

        var spec = new TokenizerSpec(
            kind,
            vocabulary,
            merges,
            tokenizer.Bool("lowercase", false),
            pattern,
            tokenizer.Int("maxLength", 1, 8192),
            tokenizer.String("padToken") ?? (kind == TokenizerKind.WordPiece ? "[PAD]" : "<pad>"),
            tokenizer.String("unknownToken") ?? (kind switch { TokenizerKind.WordPiece => "[UNK]", TokenizerKind.Bpe when byteLevel => null, _ => "<unk>" }),
            tokenizer.String("maskToken"),
            tokenizer.String("bosToken"),
            tokenizer.String("eosToken"),
            byteLevel,
            prefix ?? (kind == TokenizerKind.WordPiece ? "##" : null),
            endOfWordSuffix);
        tokenizer.RejectUnknown();
        return spec;
    }

    private static void RefuseFor(JsonFields fields, string name, TokenizerKind kind)
    {
        if (fields.Has(name))
        {
            throw fields.Invalid(fields.Field(name), $"is not used by the {kind.ToString().ToLowerInvariant()} tokenizer; remove it.");
        }
    }

    /// <summary>A file the manifest names: it must exist and be a regular file within its kind's size limit.</summary>
    internal static string ResolveFile(JsonFields fields, string name, string directory, FileKind kind)
    {
        var value = fields.RequiredString(name);
        var field = fields.Field(name);
        try
        {
            var file = SafeFiles.CheckPath(Path.Combine(directory, value), kind.Name);
            if (!File.Exists(file) && !System.IO.Directory.Exists(file))
            {
                var invalid = fields.Invalid(field, $"the file {SafeFiles.Quote(value)} does not exist (looked for {SafeFiles.Quote(file)}).");
                throw new DimeException(ErrorKind.ModelNotFound, invalid.Message, field);
            }

            return SafeFiles.Check(file, kind).Path;
        }
        catch (DimeException e) when (e.Kind is ErrorKind.PathInvalid or ErrorKind.NotARegularFile or ErrorKind.FileTooLarge)
        {
            throw new DimeException(e.Kind, $"{field}: {e.Message}", field, e);
        }
    }
}
