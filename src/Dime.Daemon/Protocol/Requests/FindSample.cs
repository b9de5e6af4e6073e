namespace Dime.Daemon.Protocol;

/// <summary>
/// A place in a dataset file: 1-based <see cref="Line"/> (and 1-based UTF-16 <see cref="Column"/> for CLEVR questions
/// that share a line), or a sample <see cref="Id"/>. <see cref="Format"/> and <see cref="Fields"/> as in dime/openDataset.
/// </summary>
internal sealed record FindSampleParams(string Path, int? Line = null, int? Column = null, string? Id = null, [property: WireEnum(typeof(DatasetInfo), nameof(DatasetInfo.Formats))] string? Format = null, DatasetFields? Fields = null);

/// <summary>The dataset (opened, or the open one reused) and the sample there, as the daemon reads it.</summary>
internal sealed record FindSampleResult(DatasetInfo Dataset, SampleInfo Sample);
