using System.Text.Json;

namespace Dime.Daemon.Protocol;

/// <summary>A result of the cache (resultId) or a result.json file (path) to compute again.</summary>
internal sealed record ReproduceParams(string? ResultId, string? Path, JsonElement? ProgressToken);
