using System.Text.Json;

namespace Dime.Daemon.Protocol;

/// <summary>A result of the cache (resultId) or a result.json file (path) to compute again.</summary>
internal sealed record ReproduceParams(string? ResultId, string? Path, JsonElement? ProgressToken);

/// <summary>The outcome of reproducing a result: what was compared, the largest difference, and whether it is expected.</summary>
internal sealed record ReproduceResult(
    string ResultId,
    bool Identical,
    int Compared,
    int Differing,
    NumberDifference? Largest,
    IReadOnlyList<string> Mismatches,
    IReadOnlyList<string> EnvironmentChanges,
    double Tolerance,
    bool WithinTolerance,
    double ElapsedMs);

/// <summary>One number that differs between a stored result and its reproduction, with its place in the result.</summary>
internal sealed record NumberDifference(string Path, double Stored, double Reproduced, double Difference);
