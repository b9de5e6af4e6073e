using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record ListSamplesParams(string DatasetId, int Offset = 0, int Limit = 100);

/// <summary>A sample as the daemon read it: 0-based index, id, absolute image path, question, answer, 1-based line where it starts.</summary>
internal sealed record SampleInfo(int Index, string Id, string ImagePath, string Question, string? Answer, int? Line)
{
    public static SampleInfo Of(Dataset dataset, Sample sample) =>
        new(sample.Index, sample.Id, Path.GetFullPath(Path.Combine(dataset.Root, sample.ImagePath)), sample.Question, sample.Answer, sample.Line);
}

internal sealed record ListSamplesResult(int Total, IReadOnlyList<SampleInfo> Samples);

internal sealed class ListSamplesHandler(Daemon daemon)
{
    public const int MaxLimit = 10_000;

    [JsonRpcMethod(ProtocolNames.ListSamples, UseSingleObjectParameterDeserialization = true)]
    public ListSamplesResult ListSamples(ListSamplesParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.DatasetId, "datasetId");
        Validate.Range(parameters.Offset, 0, int.MaxValue, "offset");
        Validate.Range(parameters.Limit, 0, MaxLimit, "limit");
        var dataset = daemon.Datasets.Get(parameters.DatasetId);
        var page = dataset.Samples.Skip(parameters.Offset).Take(parameters.Limit).Select(s => SampleInfo.Of(dataset, s)).ToList();
        return new ListSamplesResult(dataset.Samples.Count, page);
    }
}
