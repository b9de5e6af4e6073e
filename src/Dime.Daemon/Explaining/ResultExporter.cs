using System.Text.Json;
using Dime.Daemon.Reports;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Errors;
using Dime.Inference.Files;

namespace Dime.Daemon.Explaining;

/// <summary>
/// Writes a result's files into a folder the user chose (dime/export, the command line's `explain`): its JSON, and
/// the overlay PNGs and the HTML report, drawn now over the sample's image. The image is read again and must still
/// hash to what the result recorded: overlays drawn over another picture would be wrong.
/// </summary>
internal static class ResultExporter
{
    /// <summary>Exports a cached result (verified on the way); its result.json is copied as the cache holds it.</summary>
    public static IReadOnlyList<string> Export(ResultStore store, string resultId, string destination)
    {
        var result = store.Load(resultId);
        return Export(result, Path.Combine(store.FolderOf(resultId), ResultStore.ResultFile), destination);
    }

    /// <param name="cachedJson">The result's JSON in the cache, copied as it is; null: <paramref name="result"/> is written (a result that could not be cached).</param>
    public static IReadOnlyList<string> Export(ExplanationResult result, string? cachedJson, string destination)
    {
        var image = SampleImage(result);
        try
        {
            Directory.CreateDirectory(destination);
            var json = Path.Combine(destination, ArtifactWriter.JsonFile);
            if (cachedJson is not null)
            {
                File.Copy(cachedJson, json, overwrite: true);
            }
            else
            {
                File.WriteAllBytes(json, JsonSerializer.SerializeToUtf8Bytes(result with { Cached = false }, Protocol.Json.Options));
            }

            return [json, .. ArtifactWriter.Write(destination, result, image)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DaemonException(ErrorCode.ExportFailed, $"Could not write to {SafeFiles.Quote(destination)}: {e.Message}", SafeFiles.Subject(destination), e);
        }
    }

    /// <summary>The explained image, decoded as the explanation saw it, or ExportFailed when it is gone or changed.</summary>
    private static Engine.Imaging.RgbImage SampleImage(ExplanationResult result)
    {
        var path = result.Sample.ImagePath;
        try
        {
            if (result.Provenance?.Sample.ImageHash is { } recorded && FileHash.Sha256(path, FileKind.Image) != recorded)
            {
                throw Unavailable(path, "it changed since the result was computed");
            }

            var image = SampleResolver.DecodeImage(path);
            return image.Width == result.Sample.Width && image.Height == result.Sample.Height
                ? image
                : throw Unavailable(path, $"it decodes to {image.Width}x{image.Height}, the result explained {result.Sample.Width}x{result.Sample.Height}");
        }
        catch (DaemonException e) when (e.Code != ErrorCode.ExportFailed)
        {
            throw Unavailable(path, e.Message);
        }
        catch (DimeException e)
        {
            throw Unavailable(path, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, e.Message);
        }
    }

    private static DaemonException Unavailable(string path, string why) => new(
        ErrorCode.ExportFailed,
        $"The overlays and the report are drawn over the explained image {SafeFiles.Quote(path)}, which cannot be used: {why}. Explain the sample again.",
        SafeFiles.Subject(path));
}
