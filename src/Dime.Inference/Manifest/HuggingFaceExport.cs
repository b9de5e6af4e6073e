using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Engine.Errors;
using Dime.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace Dime.Inference.Manifest;

/// <summary>A manifest derived from a Hugging Face export folder, and what DIME could not honour exactly.</summary>
internal sealed record DerivedManifest(JsonObject Manifest, IReadOnlyList<string> Warnings)
{
    public string ToJson() => Manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    public byte[] ToUtf8() => System.Text.Encoding.UTF8.GetBytes(ToJson());
}

/// <summary>
/// A model folder as Hugging Face tooling exports it: <c>model.onnx</c>, <c>config.json</c> (labels from id2label),
/// <c>tokenizer.json</c> (+ tokenizer_config.json, special_tokens_map.json) and <c>preprocessor_config.json</c>.
/// <see cref="Derive"/> writes the manifest those files describe (format 2, the graph's inputs bound by their
/// conventional names); the manifest reader then checks it like any other, and <c>init-manifest</c> saves it for the
/// user to edit. Settings DIME cannot reproduce are warnings naming the file and field; settings it cannot even
/// approximate (a tokenizer model it does not implement, an input it cannot feed) are errors naming them.
/// </summary>
internal static class HuggingFaceExport
{
    public const string GraphFile = "model.onnx";
    public const string ConfigFile = "config.json";
    public const string TokenizerFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensFile = "special_tokens_map.json";
    public const string PreprocessorFile = "preprocessor_config.json";

    /// <summary>The graph inputs Hugging Face models name by convention, and the source that feeds each.</summary>
    private static readonly Dictionary<string, string> InputSources = new(StringComparer.Ordinal)
    {
        ["pixel_values"] = "image",
        ["pixel_mask"] = "image.pixelMask",
        ["input_ids"] = "text.ids",
        ["attention_mask"] = "text.attentionMask",
        ["token_type_ids"] = "text.tokenTypeIds",
    };

    /// <summary>A folder without manifest.json that holds model.onnx and at least one of the Hugging Face files.</summary>
    public static bool IsExport(string folder) =>
        File.Exists(Path.Combine(folder, GraphFile))
        && new[] { ConfigFile, TokenizerFile, PreprocessorFile }.Any(f => File.Exists(Path.Combine(folder, f)));

    /// <summary>The files a derived manifest stands on (for the model's content hash).</summary>
    public static IEnumerable<string> SourceFiles(string folder) =>
        new[] { ConfigFile, TokenizerFile, TokenizerConfigFile, SpecialTokensFile, PreprocessorFile }
            .Select(f => Path.Combine(folder, f))
            .Where(File.Exists);

    /// <exception cref="DimeException">ModelNotFound for a missing file, ManifestInvalid naming the file and field, NotAnOnnxModel.</exception>
    public static DerivedManifest Derive(string folder)
    {
        folder = Path.GetFullPath(folder);
        foreach (var required in new[] { GraphFile, ConfigFile, TokenizerFile, PreprocessorFile })
        {
            if (!File.Exists(Path.Combine(folder, required)))
            {
                throw new DimeException(
                    ErrorKind.ModelNotFound,
                    $"{folder} has no manifest.json and no {required}: DIME derives a manifest from a Hugging Face export only when it holds {GraphFile}, {ConfigFile}, {TokenizerFile} and {PreprocessorFile} (or write a manifest, see docs/manifest.md).",
                    required);
            }
        }

        var warnings = new List<string>();
        var graph = ReadGraph(Path.Combine(folder, GraphFile));
        using var config = Read(folder, ConfigFile);
        using var tokenizerJson = Read(folder, TokenizerFile);
        using var preprocessor = Read(folder, PreprocessorFile);
        using var tokenizerConfig = File.Exists(Path.Combine(folder, TokenizerConfigFile)) ? Read(folder, TokenizerConfigFile) : null;
        using var specialTokens = File.Exists(Path.Combine(folder, SpecialTokensFile)) ? Read(folder, SpecialTokensFile) : null;

        if (!config.RootElement.TryGetProperty("id2label", out var id2label) || id2label.ValueKind != JsonValueKind.Object)
        {
            throw Error(ConfigFile, "id2label", "is missing; DIME takes the model's labels from it (one per logit, \"0\": \"yes\", ...).");
        }

        var inputs = new JsonObject();
        foreach (var input in graph.Inputs)
        {
            if (!InputSources.TryGetValue(input.Name, out var source))
            {
                throw Error(GraphFile, $"input '{input.Name}'", $"has no conventional source (DIME knows {string.Join(", ", InputSources.Keys)}); run init-manifest and bind it in the manifest (a constant, another graph's output...).");
            }

            inputs[input.Name] = source;
        }

        string output;
        if (graph.Outputs.Contains("logits"))
        {
            output = "logits";
        }
        else if (graph.Outputs.Count == 1)
        {
            output = graph.Outputs[0];
            warnings.Add($"{GraphFile}: there is no output named 'logits'; DIME explains '{output}', which must hold pre-softmax logits.");
        }
        else
        {
            throw Error(GraphFile, "outputs", $"has no output named 'logits' and several others ({string.Join(", ", graph.Outputs)}); run init-manifest and name the logits in \"logits\".");
        }

        var manifest = new JsonObject
        {
            ["version"] = ManifestReader.WiredFormatVersion,
            ["name"] = Path.GetFileName(folder),
            ["description"] = $"Derived by DIME from the Hugging Face files in this folder ({ConfigFile}, {TokenizerFile}, {PreprocessorFile}).",
            ["graphs"] = new JsonObject { ["model"] = new JsonObject { ["path"] = GraphFile, ["inputs"] = inputs } },
            ["logits"] = $"model.{output}",
            ["image"] = DeriveImage(preprocessor.RootElement, graph.Input("pixel_values"), warnings),
            ["tokenizer"] = DeriveTokenizer(tokenizerJson.RootElement, tokenizerConfig?.RootElement, specialTokens?.RootElement, config.RootElement, graph.Input("input_ids"), warnings),
            ["labels"] = ConfigFile,
        };
        return new DerivedManifest(manifest, warnings);
    }

    private sealed record GraphInput(string Name, int[] Dimensions);

    private sealed record GraphShape(IReadOnlyList<GraphInput> Inputs, IReadOnlyList<string> Outputs)
    {
        public GraphInput? Input(string name) => Inputs.FirstOrDefault(i => i.Name == name);
    }

    private static GraphShape ReadGraph(string path)
    {
        OrtRuntime.EnsureEnvironment();
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(path, options);
            return new GraphShape(
                [.. session.InputMetadata.Select(i => new GraphInput(i.Key, i.Value.Dimensions))],
                [.. session.OutputMetadata.Keys]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DimeException(ErrorKind.NotAnOnnxModel, $"ONNX Runtime cannot read {path}: {e.Message}", GraphFile, e);
        }
    }

    private static JsonObject DeriveImage(JsonElement config, GraphInput? pixels, List<string> warnings)
    {
        const string File = PreprocessorFile;
        var image = new JsonObject();

        // the graph's own fixed height and width (NCHW), when it has them
        (int Height, int Width)? fixedSize = pixels is { Dimensions.Length: 4 } p && p.Dimensions[2] > 0 && p.Dimensions[3] > 0 ? (p.Dimensions[2], p.Dimensions[3]) : null;
        var resize = Bool(config, "do_resize") ?? true;
        (int Height, int Width)? size = null;
        if (config.TryGetProperty("do_center_crop", out var crop) && crop.ValueKind == JsonValueKind.True)
        {
            size = Size(config, "crop_size", File);
            warnings.Add($"{File}: do_center_crop is not applied; DIME resizes the whole image to {Describe(size ?? fixedSize)} (the processor resizes, then crops the centre). Crop images beforehand to match the model's pipeline.");
        }
        else if (!resize)
        {
            size = fixedSize;
            warnings.Add(fixedSize is null
                ? $"{File}: do_resize is false and the graph's image size is dynamic; DIME resizes every image to the model's size, which this file does not give (write image.width/height in a manifest)."
                : $"{File}: do_resize is false; images must already be {fixedSize.Value.Width}x{fixedSize.Value.Height}, others are resized by DIME.");
        }
        else if (config.TryGetProperty("size", out var sizeElement))
        {
            if (sizeElement.ValueKind == JsonValueKind.Object && sizeElement.TryGetProperty("shortest_edge", out var shortest))
            {
                var side = shortest.TryGetInt32(out var s) && s > 0 ? s : throw Error(File, "size.shortest_edge", "must be a positive integer.");
                size = fixedSize ?? (side, side);
                warnings.Add($"{File}: size.shortest_edge keeps each image's aspect ratio{(config.TryGetProperty("size_divisor", out _) ? " (rounded to size_divisor)" : string.Empty)}{(Bool(config, "do_pad") == true ? " and pads with a pixel mask" : string.Empty)}; DIME resizes every image to {size.Value.Width}x{size.Value.Height} (stretching). Images of that aspect ratio match the model's pipeline.");
            }
            else
            {
                size = Size(config, "size", File);
            }
        }

        size ??= fixedSize;
        if (size is { } known)
        {
            image["width"] = known.Width;
            image["height"] = known.Height;
            if (config.TryGetProperty("size_divisor", out var divisorElement) && divisorElement.TryGetInt32(out var divisor) && divisor > 1
                && (known.Width % divisor != 0 || known.Height % divisor != 0))
            {
                warnings.Add($"{File}: size_divisor {divisor} would round {known.Width}x{known.Height} down; DIME does not.");
            }
        }

        if (config.TryGetProperty("resample", out var resample))
        {
            // Pillow's resample codes, as image processors store them (one table, Checking/HuggingFaceFileWarnings.cs)
            image["resize"] = resample.TryGetInt32(out var code) && Checking.HuggingFaceFileWarnings.Resample.TryGetValue(code, out var filter)
                ? $"pil-{filter.Name}"
                : throw Error(File, "resample", $"{resample.GetRawText()} is not one of Pillow's resample codes 0-5.");
        }
        else
        {
            image["resize"] = "pil-bilinear";
            warnings.Add($"{File}: no resample given; DIME uses PIL's bilinear (2), the default of most image processors.");
        }

        var rescale = Bool(config, "do_rescale") ?? true;
        image["scale"] = !rescale ? 1.0 : config.TryGetProperty("rescale_factor", out var factor)
            ? (factor.TryGetDouble(out var f) && f > 0 ? f : throw Error(File, "rescale_factor", "must be a positive number."))
            : 1.0 / 255.0;
        if (Bool(config, "do_normalize") ?? true)
        {
            image["mean"] = Triple(config, "image_mean", File);
            image["std"] = Triple(config, "image_std", File);
        }

        if (Bool(config, "do_flip_channel_order") == true)
        {
            image["channelOrder"] = "bgr";
        }

        return image;
    }

    private static JsonObject DeriveTokenizer(JsonElement json, JsonElement? tokenizerConfig, JsonElement? specialTokens, JsonElement config, GraphInput? ids, List<string> warnings)
    {
        const string File = TokenizerFile;
        var model = json.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object ? m : throw Error(File, "model", "is missing.");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        var tokenizer = new JsonObject();
        bool lowercase;
        switch (type)
        {
            case "WordPiece":
                tokenizer["kind"] = "wordpiece";
                tokenizer["vocabulary"] = File;
                lowercase = WordPieceNormalizer(json, tokenizerConfig, warnings);
                if (json.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object && TypeOf(pre) is { } preType and not "BertPreTokenizer")
                {
                    warnings.Add($"{File}: pre_tokenizer.type is '{preType}'; DIME splits words as BertPreTokenizer does (whitespace, then every punctuation character).");
                }

                if (String(model, "continuing_subword_prefix") is { } prefix && prefix != "##")
                {
                    tokenizer["continuingSubwordPrefix"] = prefix;
                }

                if (model.TryGetProperty("max_input_chars_per_word", out var maxChars) && maxChars.TryGetInt32(out var chars) && chars != 100)
                {
                    warnings.Add($"{File}: model.max_input_chars_per_word is {chars}; DIME's WordPiece makes words over 100 characters unknown.");
                }

                break;
            case "BPE":
                tokenizer["kind"] = "bpe";
                tokenizer["vocabulary"] = File;
                lowercase = BpeSettings(json, model, tokenizer, warnings);
                break;
            default:
                throw Error(File, "model.type", $"'{type}' is not supported; DIME reads WordPiece (BERT) and byte-level BPE (RoBERTa, GPT-2) tokenizers. Write a manifest with a words/wordpiece/bpe tokenizer (docs/manifest.md).");
        }

        tokenizer["lowercase"] = lowercase;
        if (String(model, "unk_token") is { } unknown)
        {
            tokenizer["unknownToken"] = unknown;
        }

        var (begin, end) = SpecialTokensAround(json, warnings);
        var pad = json.TryGetProperty("padding", out var padding) && padding.ValueKind == JsonValueKind.Object ? String(padding, "pad_token") : null;
        pad ??= Special(specialTokens, "pad_token") ?? Special(tokenizerConfig, "pad_token");
        if (pad is not null)
        {
            tokenizer["padToken"] = pad;
        }

        if ((Special(specialTokens, "mask_token") ?? Special(tokenizerConfig, "mask_token")) is { } mask)
        {
            tokenizer["maskToken"] = mask;
        }

        if (begin is not null)
        {
            tokenizer["bosToken"] = begin;
        }

        if (end is not null)
        {
            tokenizer["eosToken"] = end;
        }

        // the graph's token count wins; otherwise truncation, the tokenizer's model_max_length, the model's positions
        if (ids is not { Dimensions.Length: 2 } || ids.Dimensions[1] <= 0)
        {
            var length = (json.TryGetProperty("truncation", out var truncation) && truncation.ValueKind == JsonValueKind.Object ? Int(truncation, "max_length") : null)
                ?? (tokenizerConfig is { } tc ? Int(tc, "model_max_length") : null)
                ?? Int(config, "max_position_embeddings")
                ?? throw Error(File, "truncation.max_length", $"is missing, as are {TokenizerConfigFile}'s model_max_length and {ConfigFile}'s max_position_embeddings, and the graph's input_ids have a dynamic length: DIME needs the number of tokens per text (run init-manifest and set tokenizer.maxLength).");
            tokenizer["maxLength"] = length;
        }

        return tokenizer;
    }

    /// <summary>BertNormalizer's settings as DIME's basic tokenization applies them (Text/BertBasicTokenization.cs).</summary>
    private static bool WordPieceNormalizer(JsonElement json, JsonElement? tokenizerConfig, List<string> warnings)
    {
        const string File = TokenizerFile;
        if (!json.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind != JsonValueKind.Object)
        {
            var lower = tokenizerConfig is { } tc && Bool(tc, "do_lower_case") == true;
            warnings.Add($"{File}: there is no normalizer; DIME still removes control characters and splits CJK characters as BertNormalizer does{(lower ? $", and lowercases ({TokenizerConfigFile}'s do_lower_case)" : string.Empty)}.");
            return lower;
        }

        if (TypeOf(normalizer) != "BertNormalizer")
        {
            throw Error(File, "normalizer.type", $"'{TypeOf(normalizer)}' is not supported with WordPiece; DIME applies BertNormalizer (clean text, CJK characters, lowercase with accents stripped).");
        }

        var lowercase = Bool(normalizer, "lowercase") ?? true;
        var stripAccents = Bool(normalizer, "strip_accents") ?? lowercase;
        if (stripAccents != lowercase)
        {
            warnings.Add($"{File}: normalizer.strip_accents is {Lower(stripAccents)} while lowercase is {Lower(lowercase)}; DIME strips accents exactly when it lowercases.");
        }

        foreach (var flag in new[] { "clean_text", "handle_chinese_chars" })
        {
            if (Bool(normalizer, flag) == false)
            {
                warnings.Add($"{File}: normalizer.{flag} is false; DIME applies it anyway.");
            }
        }

        return lowercase;
    }

    /// <summary>Byte-level BPE (GPT-2, RoBERTa): the ByteLevel pre-tokenizer; anything else is refused.</summary>
    private static bool BpeSettings(JsonElement json, JsonElement model, JsonObject tokenizer, List<string> warnings)
    {
        const string File = TokenizerFile;
        var pre = json.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        if (pre is not { } byteLevel || TypeOf(byteLevel) != "ByteLevel")
        {
            throw Error(File, "pre_tokenizer.type", $"'{(pre is { } e ? TypeOf(e) : "null")}' is not supported with BPE; DIME reads byte-level BPE (pre_tokenizer ByteLevel, as RoBERTa and GPT-2 export it).");
        }

        tokenizer["byteLevel"] = true;
        if (Bool(byteLevel, "add_prefix_space") == true)
        {
            warnings.Add($"{File}: pre_tokenizer.add_prefix_space is true; DIME does not add a space before the first word.");
        }

        if (Bool(byteLevel, "use_regex") == false)
        {
            warnings.Add($"{File}: pre_tokenizer.use_regex is false; DIME splits words with GPT-2's pattern.");
        }

        if (String(model, "continuing_subword_prefix") is { Length: > 0 } prefix)
        {
            tokenizer["continuingSubwordPrefix"] = prefix;
        }

        if (String(model, "end_of_word_suffix") is { Length: > 0 } suffix)
        {
            tokenizer["endOfWordSuffix"] = suffix;
        }

        var lowercase = false;
        if (json.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object)
        {
            lowercase = TypeOf(normalizer) == "Lowercase";
            if (!lowercase)
            {
                warnings.Add($"{File}: normalizer.type '{TypeOf(normalizer)}' is not applied (DIME applies a Lowercase normalizer only).");
            }
        }

        return lowercase;
    }

    /// <summary>The special tokens the post-processor puts around one text ([CLS] ... [SEP], &lt;s&gt; ... &lt;/s&gt;).</summary>
    private static (string? Begin, string? End) SpecialTokensAround(JsonElement json, List<string> warnings)
    {
        const string File = TokenizerFile;
        if (!json.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        switch (TypeOf(post))
        {
            case "BertProcessing" or "RobertaProcessing":
                return (First(post, "cls"), First(post, "sep"));
            case "ByteLevel":
                return (null, null);
            case "TemplateProcessing":
                var single = post.TryGetProperty("single", out var s) && s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().ToList() : throw Error(File, "post_processor.single", "is missing.");
                var sequence = single.FindIndex(piece => piece.TryGetProperty("Sequence", out _));
                var specials = single.Select(piece => piece.TryGetProperty("SpecialToken", out var token) ? String(token, "id") : null).ToList();
                if (sequence < 0 || sequence > 1 || single.Count - sequence > 2 || single.Where((_, i) => i != sequence).Any(piece => !piece.TryGetProperty("SpecialToken", out _)))
                {
                    throw Error(File, "post_processor.single", "is not of the form [BEGIN] $A [END]; DIME puts at most one special token before and one after the text.");
                }

                if (single.Any(piece => piece.EnumerateObject().First().Value.TryGetProperty("type_id", out var typeId) && typeId.TryGetInt32(out var id) && id != 0))
                {
                    warnings.Add($"{File}: post_processor.single gives a type_id other than 0; DIME's token type ids are all 0.");
                }

                return (sequence == 1 ? specials[0] : null, single.Count - sequence == 2 ? specials[^1] : null);
            default:
                throw Error(File, "post_processor.type", $"'{TypeOf(post)}' is not supported; DIME reads TemplateProcessing, BertProcessing, RobertaProcessing and ByteLevel.");
        }

        static string? First(JsonElement post, string name) =>
            post.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() > 0 ? pair[0].GetString() : null;
    }

    /// <summary>A special token as special_tokens_map.json or tokenizer_config.json writes it: a string or {"content": ...}.</summary>
    private static string? Special(JsonElement? file, string name)
    {
        if (file is not { } element || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => String(value, "content"),
            _ => null,
        };
    }

    private static (int Height, int Width)? Size(JsonElement config, string field, string file)
    {
        if (!config.TryGetProperty(field, out var size) || size.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (size.ValueKind == JsonValueKind.Number)
        {
            return size.TryGetInt32(out var side) && side > 0 ? (side, side) : throw Error(file, field, "must be a positive integer.");
        }

        if (size.ValueKind == JsonValueKind.Object && Int(size, "height") is > 0 and var height && Int(size, "width") is > 0 and var width)
        {
            return (height, width);
        }

        throw Error(file, field, $"{size.GetRawText()} is not supported; DIME reads {{\"height\", \"width\"}}, one number, or {{\"shortest_edge\"}}.");
    }

    private static JsonArray Triple(JsonElement config, string field, string file)
    {
        if (!config.TryGetProperty(field, out var value))
        {
            throw Error(file, field, "is missing while do_normalize is true.");
        }

        var numbers = value.ValueKind switch
        {
            JsonValueKind.Number => [value.GetDouble(), value.GetDouble(), value.GetDouble()],
            JsonValueKind.Array when value.GetArrayLength() == 3 && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) => value.EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            _ => throw Error(file, field, "must be three numbers (R, G, B)."),
        };
        return [.. numbers.Select(n => JsonValue.Create(n))];
    }

    private static JsonDocument Read(string folder, string file) =>
        HuggingFaceConfig.ReadObject(Path.Combine(folder, file), Path.Combine(folder, file), file);

    private static string? TypeOf(JsonElement element) => String(element, "type");

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

    /// <summary>An integer up to DIME's token limit; larger "no limit" values (1e30) count as absent.</summary>
    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number is > 0 and <= 8192 ? number : null;

    private static string Lower(bool value) => value ? "true" : "false";

    private static string Describe((int Height, int Width)? size) => size is { } s ? $"{s.Width}x{s.Height}" : "the model's size";

    private static DimeException Error(string file, string field, string message) =>
        new(ErrorKind.ManifestInvalid, $"Hugging Face export: {file}, field '{field}': {message}", $"{file}:{field}");
}
