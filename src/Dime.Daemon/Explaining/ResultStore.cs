using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dime.Daemon.Requests;
using Dime.Engine.Errors;

namespace Dime.Daemon.Explaining;

/// <summary>
/// The content-addressed result cache: a result lives in results/&lt;id&gt;/ under the cache folder, where the id
/// is a hash of everything that determines it (model files, image bytes, question, reference set, options,
/// seed). Asking again for the same thing answers from disk at once.
/// </summary>
internal sealed class ResultStore(string cacheFolder, JsonSerializerOptions json)
{
    public const string ResultFile = "result.json";

    public string Root { get; } = Path.Combine(cacheFolder, "results");

    public static string IdOf(params string[] parts)
    {
        var joined = string.Join('\u001f', parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..32];
    }

    public string FolderOf(string resultId)
    {
        if (resultId.Length != 32 || !resultId.All(char.IsAsciiHexDigitLower))
        {
            throw new DimeException(DimeErrorCode.ResultNotFound, $"'{resultId}' is not a result id.", resultId);
        }

        return Path.Combine(Root, resultId);
    }

    public ExplanationResult? TryLoad(string resultId)
    {
        var file = Path.Combine(FolderOf(resultId), ResultFile);
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var result = JsonSerializer.Deserialize<ExplanationResult>(File.ReadAllBytes(file), json);
            return result is null ? null : result with { Cached = true };
        }
        catch (JsonException)
        {
            return null; // written by an older daemon, or cut short: compute it again
        }
    }

    public ExplanationResult Load(string resultId) =>
        TryLoad(resultId) ?? throw new DimeException(DimeErrorCode.ResultNotFound, $"No result '{resultId}' in the cache folder '{Root}'.", resultId);

    /// <summary>Writes result.json last, through a temporary file, so a half-written result is never read.</summary>
    public void Save(ExplanationResult result)
    {
        var folder = FolderOf(result.ResultId);
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, ResultFile + ".tmp");
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(result, json));
        File.Move(temporary, Path.Combine(folder, ResultFile), overwrite: true);
    }

    public (int Entries, long Bytes) Size()
    {
        if (!Directory.Exists(Root))
        {
            return (0, 0);
        }

        var entries = Directory.GetDirectories(Root).Length;
        var bytes = new DirectoryInfo(Root).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return (entries, bytes);
    }
}
