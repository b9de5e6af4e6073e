using System.Text.Json;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Sharding;

internal sealed record IndexPrediction(string Label, int LabelIndex, double Probability);

/// <summary>At the predicted label: the model's logit (M = f), its unimodal contributions and its interactions.</summary>
internal sealed record IndexValues(double M, double Uc, double Mi);

/// <summary>A feature and its weight: an image segment (its number) or a word.</summary>
internal sealed record TopFeature(string Feature, double Weight);

internal sealed record TopFeatures(IReadOnlyList<TopFeature> M, IReadOnlyList<TopFeature> Uc, IReadOnlyList<TopFeature> Mi);

internal sealed record IndexError(string Code, string Message);

/// <summary>
/// One line of index.jsonl: a sample, what the model answered, the decomposition at the instance, the strongest
/// features of each part for the predicted label (when it was explained), and where its result.json lies (relative to the folder).
/// <see cref="Key"/> is the run's settings key: a line whose key differs was computed with other settings.
/// </summary>
internal sealed record IndexLine(
    int Index, string Id, string Key, string Question, string? Answer, IndexPrediction? Prediction, bool? Correct, IndexValues? Values, double? MiShare,
    TopFeatures? ImageTop, TopFeatures? TextTop, string? Result, IndexError? Error)
{
    public const string FileName = "index.jsonl";
    public const int TopCount = 3;

    public string ToJson() => JsonSerializer.Serialize(this, Json.Options);

    public static IndexLine Of(ExplanationResult result, string key, string resultPath)
    {
        var label = result.Prediction.Label;
        // With an explicit --labels list the predicted label may not be explained: then there are no values or features.
        var values = result.Values.FirstOrDefault(v => v.Label == label);
        double? share = values is null ? null : Math.Abs(values.Uc) + Math.Abs(values.Mi) is var total and > 0 ? Math.Abs(values.Mi) / total : 0;
        var probability = result.Prediction.Top.FirstOrDefault(a => a.Index == label)?.Probability ?? 0;
        TopFeatures? Top(IReadOnlyList<LabelExplanationDto>? explanations, Func<int, string> name) =>
            explanations?.FirstOrDefault(e => e.Label == label) is { } e ? new TopFeatures(Strongest(e.M, name), Strongest(e.Uc, name), Strongest(e.Mi, name)) : null;
        return new IndexLine(
            result.Sample.Index ?? -1,
            result.Sample.Id,
            key,
            result.Sample.Question,
            result.Sample.Answer,
            new IndexPrediction(result.Labels[label], label, probability),
            result.Sample.Answer is { } answer ? string.Equals(answer, result.Labels[label], StringComparison.Ordinal) : null,
            values is null ? null : new IndexValues(values.Logit, values.Uc, values.Mi),
            share,
            Top(result.Image?.Explanations, i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Top(result.Text?.Explanations, i => result.Text!.Features[i]),
            resultPath,
            null);
    }

    /// <summary>Reads the lines of an index file; a line cut short (the process was killed while writing it) is dropped.</summary>
    public static IEnumerable<IndexLine> Read(string file)
    {
        if (!File.Exists(file))
        {
            yield break;
        }

        foreach (var text in File.ReadLines(file))
        {
            IndexLine? line = null;
            try
            {
                line = JsonSerializer.Deserialize<IndexLine>(text, Json.Options);
            }
            catch (JsonException)
            {
            }

            if (line is not null)
            {
                yield return line;
            }
        }
    }

    private static List<TopFeature> Strongest(Part part, Func<int, string> name) =>
        [.. part.Weights.Select((w, i) => (w, i)).Where(x => x.w != 0).OrderByDescending(x => Math.Abs(x.w)).ThenBy(x => x.i).Take(TopCount).Select(x => new TopFeature(name(x.i), x.w))];
}
