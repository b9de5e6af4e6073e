using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dime.Daemon.Protocol;
using Dime.Inference.Files;

namespace Dime.Daemon.Workspace;

/// <summary>Reads JSONL datasets and CLEVR questions files into <see cref="Dataset"/>s.</summary>
internal static class DatasetReader
{
    // The fields a JSONL line's image path, question, answer and id are looked for in, unless DatasetFields names them.
    public static readonly string[] ImageNames = ["image", "image_path", "imagePath", "image_filename", "img", "file"];
    public static readonly string[] QuestionNames = ["question", "text", "prompt", "caption"];
    public static readonly string[] AnswerNames = ["answer", "label", "target"];
    public static readonly string[] IdNames = ["id", "question_id", "questionId", "uid"];

    public const int MaxSamples = 1_000_000;

    /// <summary>Reads a dataset file (a regular file of at most <see cref="FileKind.Dataset"/>'s size, read through <see cref="SafeFiles"/>).</summary>
    public static Dataset Read(string path, string? format, DatasetFields? fields, CancellationToken cancellationToken = default)
    {
        var full = SafeFiles.CheckPath(path, FileKind.Dataset.Name);
        var kind = format?.ToLowerInvariant() ?? Guess(full);
        var dataset = kind switch
        {
            "jsonl" => ReadJsonl(full, fields, cancellationToken),
            "clevr" => ReadClevr(full, cancellationToken),
            _ => throw new DaemonException(ErrorCode.InvalidArgument, $"Unknown dataset format {SafeFiles.Quote(format)}; use 'jsonl' or 'clevr'.", "format"),
        };
        return dataset;
    }

    public static string IdOf(string fullPath) =>
        "ds-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)))[..12];

    private static string Guess(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "clevr" : "jsonl";

    private static Dataset ReadJsonl(string path, DatasetFields? requested, CancellationToken cancellationToken)
    {
        var fields = requested ?? new DatasetFields();
        var samples = new List<Sample>();
        var warnings = new List<string>();
        var lineNumber = 0;
        using var reader = new StreamReader(SafeFiles.OpenRead(path, FileKind.Dataset));
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var row = document.RootElement;
                if (row.ValueKind != JsonValueKind.Object)
                {
                    throw new DatasetLineException("the line is not a JSON object");
                }

                var image = Field(row, fields.Image, ImageNames) ?? throw new DatasetLineException("no image field");
                var question = Field(row, fields.Question, QuestionNames) ?? throw new DatasetLineException("no question field");
                var answer = Field(row, fields.Answer, AnswerNames);
                var id = Field(row, fields.Id, IdNames) ?? lineNumber.ToString(CultureInfo.InvariantCulture);
                samples.Add(new Sample(samples.Count, id, image, question, answer, lineNumber));
            }
            catch (Exception e) when (e is JsonException or DatasetLineException)
            {
                warnings.Add($"line {lineNumber}: {e.Message}");
            }

            if (samples.Count > MaxSamples)
            {
                throw new DaemonException(ErrorCode.DatasetInvalid, $"The dataset has more than {MaxSamples} samples.", path);
            }
        }

        if (samples.Count == 0)
        {
            var why = warnings.Count > 0 ? " (" + warnings[0] + ")" : string.Empty;
            throw new DaemonException(ErrorCode.DatasetInvalid, $"No sample could be read from '{path}'{why}.", path);
        }

        return new Dataset(IdOf(path), path, "jsonl", Path.GetDirectoryName(path)!, samples, warnings)
        {
            LastWriteUtc = File.GetLastWriteTimeUtc(path),
            ContentHash = FileHash.Sha256(path, FileKind.Dataset),
            Fields = fields,
            LineCount = lineNumber,
        };
    }

    /// <summary>
    /// CLEVR's questions file: questions/CLEVR_split_questions.json next to images/split/. Each sample keeps the
    /// span of its element of the questions array, so an editor position names it (<see cref="SampleLocator"/>).
    /// </summary>
    private static Dataset ReadClevr(string path, CancellationToken cancellationToken)
    {
        var bytes = SafeFiles.ReadAllBytes(path, FileKind.Dataset, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new DaemonException(ErrorCode.DatasetInvalid, $"'{Path.GetFileName(path)}' is not valid JSON: {e.Message}", path);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DaemonException(ErrorCode.DatasetInvalid, $"A CLEVR questions file holds a JSON object with a 'questions' array, not {Describe(document.RootElement)}.", path);
            }

            if (!document.RootElement.TryGetProperty("questions", out var questions) || questions.ValueKind != JsonValueKind.Array)
            {
                throw new DaemonException(ErrorCode.DatasetInvalid, "A CLEVR questions file needs a 'questions' array.", path);
            }

            var folder = Path.GetDirectoryName(path)!;
            var root = string.Equals(Path.GetFileName(folder), "questions", StringComparison.OrdinalIgnoreCase)
                ? Path.GetDirectoryName(folder)!
                : folder;
            var fileSplit = SplitFromFileName(path);
            var spans = QuestionSpans(bytes, questions.GetArrayLength());
            var samples = new List<Sample>();
            var warnings = new List<string>();
            var position = 0;
            foreach (var q in questions.EnumerateArray())
            {
                cancellationToken.ThrowIfCancellationRequested();
                position++;
                if (q.ValueKind != JsonValueKind.Object)
                {
                    warnings.Add($"question {position}: is {Describe(q)}, not an object");
                    continue;
                }

                var file = Field(q, null, ["image_filename"]);
                var question = Field(q, null, ["question"]);
                if (file is null || question is null)
                {
                    warnings.Add($"question {position}: needs image_filename and question");
                    continue;
                }

                var split = Field(q, null, ["split"]) ?? fileSplit;
                var image = ClevrImagePath(root, split, file);
                var id = Field(q, null, ["question_index"]) ?? position.ToString(CultureInfo.InvariantCulture);
                var span = spans?[position - 1];
                samples.Add(new Sample(samples.Count, id, image, question, Field(q, null, ["answer"]), span?.Start.Line, span));
            }

            if (samples.Count == 0)
            {
                throw new DaemonException(ErrorCode.DatasetInvalid, "The CLEVR file holds no usable question.", path);
            }

            return new Dataset(IdOf(path), path, "clevr", root, samples, warnings)
            {
                LastWriteUtc = File.GetLastWriteTimeUtc(path),
                ContentHash = FileHash.Sha256(path, FileKind.Dataset),
                LineCount = LineCount(bytes),
            };
        }
    }

    /// <summary>CLEVR names its files CLEVR_&lt;split&gt;_questions.json; the split names the images' folder when questions omit it.</summary>
    private static string? SplitFromFileName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        const string Suffix = "_questions";
        if (!name.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var split = name[..^Suffix.Length];
        split = split[(split.LastIndexOf('_') + 1)..].ToLowerInvariant();
        return split is "train" or "val" or "test" ? split : null;
    }

    /// <summary>
    /// The span of each element of the top-level "questions" array, in editor positions; null when the file's
    /// layout is not the one <see cref="JsonDocument"/> read (a repeated "questions" key).
    /// </summary>
    private static TextSpan[]? QuestionSpans(byte[] bytes, int expected)
    {
        var text = bytes.AsSpan(bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0);
        var reader = new Utf8JsonReader(text);
        var positions = new PositionCounter();
        var spans = new List<TextSpan>(expected);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("questions"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return null;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = positions.At(text, (int)reader.TokenStartIndex);
                    reader.Skip();
                    spans.Add(new TextSpan(start, positions.At(text, (int)reader.BytesConsumed)));
                }

                return spans.Count == expected ? [.. spans] : null;
            }

            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                reader.Skip();
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static int LineCount(byte[] bytes) => bytes.AsSpan().Count((byte)'\n') + 1;

    /// <summary>Turns increasing byte offsets of UTF-8 text into editor positions in one pass.</summary>
    private sealed class PositionCounter
    {
        private int _offset;
        private int _line = 1;
        private int _column = 1;

        public TextPosition At(ReadOnlySpan<byte> text, int offset)
        {
            for (; _offset < offset; _offset++)
            {
                var b = text[_offset];
                if (b == (byte)'\n')
                {
                    _line++;
                    _column = 1;
                }
                else if ((b & 0xC0) != 0x80)
                {
                    // a code point starts here; one beyond the Basic Multilingual Plane is two UTF-16 units
                    _column += b >= 0xF0 ? 2 : 1;
                }
            }

            return new TextPosition(_line, _column);
        }
    }

    private static string ClevrImagePath(string root, string? split, string file)
    {
        string[] candidates = split is null
            ? [Path.Combine("images", file), file]
            : [Path.Combine("images", split, file), Path.Combine("images", file), file];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(root, c))) ?? candidates[0];
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "an object",
    };

    private static string? Field(JsonElement row, string? preferred, string[] names)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in preferred is null ? names : [preferred])
        {
            if (row.TryGetProperty(name, out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    private sealed class DatasetLineException(string message) : Exception(message);
}
