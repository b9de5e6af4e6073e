using System.Text.Json;

namespace Dime.Daemon.Protocol;

internal sealed record CompareParams(string[] ModelIds, SampleRef Sample, ExplainOptionsDto? Options, JsonElement? ProgressToken);

internal sealed record CompareResult(IReadOnlyList<ExplanationResult> Results);
