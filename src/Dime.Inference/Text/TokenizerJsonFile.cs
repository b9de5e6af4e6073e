using System.Text.Json;
using Dime.Inference.Files;
using Dime.Inference.Manifest;

namespace Dime.Inference.Text;

/// <summary>
/// The vocabulary (and, for BPE, the merges) held in a Hugging Face <c>tokenizer.json</c>: <c>model.vocab</c> (token -> id)
/// and <c>model.merges</c> (either "a b" strings or ["a", "b"] pairs, as newer versions of the tokenizers library write
/// them). A manifest's <c>tokenizer.vocabulary</c> may name such a file instead of vocab.txt / vocab.json + merges.txt.
/// </summary>
internal sealed record TokenizerJsonFile(Dictionary<string, int> Vocabulary, IReadOnlyList<string>? Merges)
{
    /// <summary>A vocabulary file that is a tokenizer.json (by its name): the name Hugging Face tooling writes.</summary>
    public static bool Names(string path) => Path.GetFileName(path).EndsWith("tokenizer.json", StringComparison.OrdinalIgnoreCase);

    public static TokenizerJsonFile Read(string path, string manifestPath)
    {
        var name = Path.GetFileName(path);
        try
        {
            using var document = JsonDocument.Parse(SafeFiles.ReadAllBytes(path, FileKind.Vocabulary));
            if (!document.RootElement.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object
                || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            {
                throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{name} has no model.vocab object (token -> id); is it a Hugging Face tokenizer.json?");
            }

            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in vocab.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                {
                    throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{name}: model.vocab['{entry.Name}'] must be a non-negative integer id.");
                }

                vocabulary[entry.Name] = id;
            }

            if (vocabulary.Count == 0)
            {
                throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{name}: model.vocab holds no tokens.");
            }

            List<string>? merges = null;
            if (model.TryGetProperty("merges", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                merges = [];
                foreach (var merge in list.EnumerateArray())
                {
                    merges.Add(merge.ValueKind switch
                    {
                        JsonValueKind.String => merge.GetString()!,
                        JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{merge[0].GetString()} {merge[1].GetString()}",
                        _ => throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{name}: model.merges[{merges.Count}] must be \"a b\" or [\"a\", \"b\"]."),
                    });
                }
            }

            return new TokenizerJsonFile(vocabulary, merges);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{name} is not a readable tokenizer.json: {e.Message}");
        }
    }

    /// <summary>The vocabulary as vocab.txt writes it: one token per line, line number = id (for WordPiece).</summary>
    public MemoryStream AsVocabularyLines(string manifestPath)
    {
        var byId = new string?[Vocabulary.Values.Max() + 1];
        foreach (var (token, id) in Vocabulary)
        {
            if (byId[id] is { } other)
            {
                throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"model.vocab gives the id {id} to both '{other}' and '{token}'.");
            }

            if (token.Contains('\n', StringComparison.Ordinal) || token.Contains('\r', StringComparison.Ordinal))
            {
                throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"model.vocab holds a token with a line break (id {id}), which a WordPiece vocabulary cannot.");
            }

            byId[id] = token;
        }

        var missing = Array.IndexOf(byId, null);
        if (missing >= 0)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"model.vocab has no token with the id {missing}; WordPiece ids must run 0..{byId.Length - 1} without gaps.");
        }

        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true))
        {
            foreach (var token in byId)
            {
                writer.Write(token);
                writer.Write('\n');
            }
        }

        stream.Position = 0;
        return stream;
    }
}
