namespace Dime.Daemon.Protocol;

/// <summary>Which JSON fields of a JSONL line hold the image path, the question, the answer and the id (each optional).</summary>
internal sealed record DatasetFields(string? Image = null, string? Question = null, string? Answer = null, string? Id = null);

internal sealed record OpenDatasetParams(string Path, string? Format, DatasetFields? Fields);

internal sealed record DatasetInfo(string DatasetId, string Path, string Format, int Count, string Folder, IReadOnlyList<string> Warnings);

