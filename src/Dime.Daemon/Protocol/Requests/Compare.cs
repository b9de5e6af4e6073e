using System.Text.Json;
using Dime.Daemon.Explaining;

namespace Dime.Daemon.Protocol;

internal sealed record CompareParams(string[] ModelIds, SampleRef Sample, ExplainOptionsDto? Options, JsonElement? ProgressToken);

internal sealed record CompareResult(IReadOnlyList<ExplanationResult> Results);
