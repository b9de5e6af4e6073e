using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Inference.Files;

namespace Dime.Daemon.Protocol;

/// <summary>A result of the cache (resultId) or a result.json file (path) to compute again.</summary>
internal sealed record ReproduceParams(string? ResultId, string? Path, JsonElement? ProgressToken);
