namespace Dime.Daemon.Protocol;

internal sealed record ListSamplesParams(string DatasetId, int Offset = 0, int Limit = 100);

/// <summary>A sample as the daemon read it: 0-based index, id, absolute image path, question, answer, 1-based line where it starts.</summary>
internal sealed record SampleInfo(int Index, string Id, string ImagePath, string Question, string? Answer, int? Line);

internal sealed record ListSamplesResult(int Total, IReadOnlyList<SampleInfo> Samples);
