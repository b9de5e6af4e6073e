using System.Text.Json;

namespace Dime.Daemon.Protocol;

internal sealed record ExplainParams(string ModelId, SampleRef Sample, ExplainOptionsDto? Options, JsonElement? ProgressToken);
