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
            "jsonl" => ReadJsonl(full, fields ?? new DatasetFields(), cancellationToken),
            "clevr" => ReadClevr(full, cancellationToken),
            _ => throw new DaemonException(ErrorCode.InvalidArgument, $"Unknown dataset format {SafeFiles.Quote(format)}; use 'jsonl' or 'clevr'.", "format"),
        };
        return dataset;
    }

    public static string IdOf(string fullPath) =>
        "ds-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)))[..12];

    private static string Guess(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "clevr" : "jsonl";

    private static Dataset ReadJsonl(string path, DatasetFields fields, CancellationToken cancellationToken)
    {
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

        return new Dataset(IdOf(path), path, "jsonl", Path.GetDirectoryName(path)!, samples, warnings) { LastWriteUtc = File.GetLastWriteTimeUtc(path), ContentHash = FileHash.Sha256(path, FileKind.Dataset) };
    }

    /// <summary>CLEVR's questions file: questions/CLEVR_split_questions.json next to images/split/.</summary>
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

                var split = Field(q, null, ["split"]);
                var image = ClevrImagePath(root, split, file);
                var id = Field(q, null, ["question_index"]) ?? position.ToString(CultureInfo.InvariantCulture);
                samples.Add(new Sample(samples.Count, id, image, question, Field(q, null, ["answer"]), null));
            }

            if (samples.Count == 0)
            {
                throw new DaemonException(ErrorCode.DatasetInvalid, "The CLEVR file holds no usable question.", path);
            }

            return new Dataset(IdOf(path), path, "clevr", root, samples, warnings) { LastWriteUtc = File.GetLastWriteTimeUtc(path), ContentHash = FileHash.Sha256(path, FileKind.Dataset) };
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
