namespace Dime.Daemon.Protocol;

internal sealed record PredictParams(string ModelId, SampleRef Sample, int Top = 5);

internal sealed record PredictResult(ExplainedSample Sample, IReadOnlyList<Answer> Top, IReadOnlyList<float> Logits);
