namespace Dime.Daemon.Protocol;

/// <summary>Either a sample of an opened dataset (datasetId + index) or an image file with a typed question.</summary>
internal sealed record SampleRef(string? DatasetId = null, int? Index = null, string? ImagePath = null, string? Question = null, string? Answer = null);
