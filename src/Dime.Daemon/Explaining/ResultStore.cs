using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Engine.Errors;
using Dime.Inference.Files;

namespace Dime.Daemon.Explaining;

/// <summary>What a cache entry records about itself: the key it was written under and the SHA-256 of each of its files.</summary>
internal sealed record CacheEntryManifest(int Version, string Key, IReadOnlyDictionary<string, string> Files);

/// <summary>
/// The content-addressed result cache: a result lives in results/&lt;id&gt;/ under the cache folder, where the id is a
/// hash of everything that determines it (model files, image bytes, question, reference set, options, seed).
/// An entry is written whole into results/.staging/ and renamed into place, so a crash or a full disk never leaves a
/// partial entry where a reader looks. Its entry.json records the key and the hash of every file; a read verifies
/// them all and treats any mismatch (a file changed, missing or added to the list, a result for another key, a
/// result without values) as a miss: the entry is removed, the reason logged, and the result computed again.
/// When the cache cannot be written (read-only, full) the computed result is still returned, with a warning;
/// only exporting it fails.
/// </summary>
internal sealed class ResultStore(string cacheFolder, JsonSerializerOptions json, Log? log = null)
{
    public const string ResultFile = "result.json";
    public const string EntryFile = "entry.json";
    private const int EntryVersion = 1;
    private static readonly TimeSpan SizeRefresh = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, string> _notWritten = new(StringComparer.Ordinal);
    private readonly Lock _sizeGate = new();
    private (int Entries, long Bytes) _size;
    private long _sizeTakenAt;
    private bool _counted;
    private Task? _sizeRefresh;

    public string Root { get; } = Path.Combine(cacheFolder, "results");

    private string Staging => Path.Combine(Root, ".staging");

    public static string IdOf(params string[] parts)
    {
        var joined = string.Join('\u001f', parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..32];
    }

    public string FolderOf(string resultId)
    {
        if (resultId.Length != 32 || !resultId.All(char.IsAsciiHexDigitLower))
        {
            throw new DaemonException(ErrorCode.ResultNotFound, $"{SafeFiles.Quote(resultId)} is not a result id.", SafeFiles.Subject(resultId));
        }

        return Path.Combine(Root, resultId);
    }

    /// <summary>The verified result, or null when there is none or it failed verification (then it is removed and the reason logged).</summary>
    public ExplanationResult? TryLoad(string resultId)
    {
        var folder = FolderOf(resultId);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var (result, problem) = Verify(resultId, folder);
        if (result is not null)
        {
            return result with { Cached = true };
        }

        log?.Warning($"cache entry {resultId} not served: {problem}; it is computed again");
        Discard(folder);
        return null;
    }

    public ExplanationResult Load(string resultId)
    {
        if (TryLoad(resultId) is { } result)
        {
            return result;
        }

        if (_notWritten.TryGetValue(resultId, out var why))
        {
            throw new DaemonException(ErrorCode.ExportFailed, $"The result {resultId} was computed but not cached ({why}), so there are no files to export; make the cache folder writable and explain again.", resultId);
        }

        throw new DaemonException(ErrorCode.ResultNotFound, $"No result '{resultId}' in the cache folder {SafeFiles.Quote(Root)}.", resultId);
    }

    /// <summary>
    /// Writes an entry: <paramref name="writeFiles"/> fills a staging folder (it is told the entry's final folder for the
    /// paths it records), <paramref name="complete"/> makes the result from the files' description (null when nothing
    /// could be written); the result is saved, every file hashed, and the folder renamed into place.
    /// </summary>
    public ExplanationResult Commit(string resultId, Func<string, string, Artifacts> writeFiles, Func<Artifacts?, ExplanationResult> complete)
    {
        var final = FolderOf(resultId);
        var staging = Path.Combine(Staging, $"{resultId}-{Guid.NewGuid():N}");
        ExplanationResult? result = null;
        try
        {
            Directory.CreateDirectory(staging);
            var artifacts = writeFiles(staging, final);
            result = complete(artifacts);
            File.WriteAllBytes(Path.Combine(staging, ResultFile), JsonSerializer.SerializeToUtf8Bytes(result, json));
            var hashes = Directory.EnumerateFiles(staging).Order(StringComparer.Ordinal)
                .ToDictionary(f => Path.GetFileName(f), f => Hash(File.ReadAllBytes(f)), StringComparer.Ordinal);
            File.WriteAllBytes(Path.Combine(staging, EntryFile), JsonSerializer.SerializeToUtf8Bytes(new CacheEntryManifest(EntryVersion, resultId, hashes), json));
            if (Directory.Exists(final))
            {
                Discard(final); // an entry that failed verification, or one written meanwhile by another daemon
            }

            Directory.Move(staging, final);
            _notWritten.TryRemove(resultId, out _);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            if (Directory.Exists(final) && Verify(resultId, final).Result is not null)
            {
                return result ?? complete(null); // another writer put the same entry in place first
            }

            var why = e is UnauthorizedAccessException ? "the cache folder is not writable" : $"writing the cache failed: {e.Message}";
            _notWritten[resultId] = why;
            log?.Warning($"result {resultId} computed but not cached: {why}");
            var warning = $"The result was computed but not cached ({why}); it cannot be exported.";
            var computed = result ?? complete(null);
            return computed with { Artifacts = null, Warnings = [.. computed.Warnings ?? [], warning] };
        }
    }

    /// <summary>Entries and bytes in the cache, recounted in the background at most every two seconds (status must not wait on a folder walk).</summary>
    public (int Entries, long Bytes) Size()
    {
        Task? first = null;
        lock (_sizeGate)
        {
            var stale = !_counted || Stopwatch.GetElapsedTime(_sizeTakenAt) > SizeRefresh;
            if (stale && _sizeRefresh is null or { IsCompleted: true })
            {
                _sizeRefresh = Task.Run(Count);
                first = _counted ? null : _sizeRefresh;
            }
        }

        first?.Wait(TimeSpan.FromMilliseconds(50));
        lock (_sizeGate)
        {
            return _size;
        }
    }

    /// <summary>Removes what a killed daemon left in the staging folder (older than ten minutes: another daemon may be writing).</summary>
    public void RemoveStaleStaging()
    {
        try
        {
            if (!Directory.Exists(Staging))
            {
                return;
            }

            foreach (var folder in new DirectoryInfo(Staging).EnumerateDirectories().Where(d => d.LastWriteTimeUtc < DateTime.UtcNow.AddMinutes(-10)))
            {
                TryDelete(folder.FullName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Debug($"staging folder not cleaned: {e.Message}");
        }
    }

    private (ExplanationResult? Result, string? Problem) Verify(string resultId, string folder)
    {
        try
        {
            var entryPath = Path.Combine(folder, EntryFile);
            if (!File.Exists(entryPath))
            {
                return (null, "it has no entry.json (written by an older daemon, or not by a daemon)");
            }

            var entry = JsonSerializer.Deserialize<CacheEntryManifest>(SafeFiles.ReadAllBytes(entryPath, FileKind.CacheEntry), json);
            if (entry is null || entry.Version != EntryVersion || entry.Files is null)
            {
                return (null, "entry.json is empty or of another version");
            }

            if (entry.Key != resultId)
            {
                return (null, $"entry.json records the key {SafeFiles.Quote(entry.Key)}");
            }

            if (!entry.Files.ContainsKey(ResultFile))
            {
                return (null, "entry.json does not list result.json");
            }

            byte[]? resultBytes = null;
            foreach (var (name, hash) in entry.Files)
            {
                if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name is "." or "..")
                {
                    return (null, $"entry.json lists the file {SafeFiles.Quote(name)}");
                }

                var path = Path.Combine(folder, name);
                if (!File.Exists(path))
                {
                    return (null, $"{name} is missing");
                }

                var bytes = SafeFiles.ReadAllBytes(path, FileKind.CacheEntry);
                if (Hash(bytes) != hash)
                {
                    return (null, $"{name} does not match its recorded hash");
                }

                if (name == ResultFile)
                {
                    resultBytes = bytes;
                }
            }

            var result = JsonSerializer.Deserialize<ExplanationResult>(resultBytes!, json);
            var incomplete = result is null ? "result.json is empty"
                : result.ResultId != resultId ? $"result.json holds the result {SafeFiles.Quote(result.ResultId)}"
                : result.Model is null || result.Sample is null || result.Labels is null || result.Prediction is null || result.Settings is null ? "result.json lacks fields"
                : result.Values is null || result.Values.Count == 0 ? "result.json has no values"
                : result.Artifacts?.Overlays?.FirstOrDefault(o => !entry.Files.ContainsKey(o.Path)) is { } overlay ? $"the overlay {overlay.Path} is not in the entry"
                : null;
            return incomplete is null ? (result, null) : (null, incomplete);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or DimeException or DaemonException or NotSupportedException)
        {
            return (null, $"it cannot be read: {e.Message}");
        }
    }

    private void Discard(string folder)
    {
        var trash = Path.Combine(Staging, $"discarded-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Staging);
            Directory.Move(folder, trash); // atomic: a reader sees the entry whole or not at all
            TryDelete(trash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Debug($"could not remove the cache entry {folder}: {e.Message}");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a later cleanup (RemoveStaleStaging) gets it
        }
    }

    private void Count()
    {
        (int, long) size = (0, 0);
        try
        {
            if (Directory.Exists(Root))
            {
                var entries = new DirectoryInfo(Root).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).ToList();
                size = (entries.Count, entries.Sum(d => d.EnumerateFiles().Sum(f => f.Length)));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Debug($"cache size not counted: {e.Message}");
        }

        lock (_sizeGate)
        {
            _size = size;
            _sizeTakenAt = Stopwatch.GetTimestamp();
            _counted = true;
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
