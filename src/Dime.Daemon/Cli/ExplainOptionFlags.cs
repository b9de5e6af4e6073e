using System.CommandLine;
using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>The explanation options as command-line flags; they mean what dime/explain's options mean.</summary>
internal sealed class ExplainOptionFlags
{
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of every random choice.", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _imageSamples = new("--image-samples") { Description = "LIME samples for the image.", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _textSamples = new("--text-samples") { Description = "LIME samples for the text.", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _referenceSize = new("--reference-size") { Description = "N, the size of the reference set.", DefaultValueFactory = _ => 100 };
    private readonly Option<string> _segmentation = new("--segmentation") { Description = "auto, quickshift, slic or grid.", DefaultValueFactory = _ => "auto" };
    private readonly Option<string> _hide = new("--hide") { Description = "How hidden segments look: median (the image's median colour), mean (LIME: each segment's mean), constant or blur.", DefaultValueFactory = _ => "median" };
    private readonly Option<string> _textMask = new("--text-mask") { Description = "Hidden words are deleted or replaced by the mask token: delete or mask.", DefaultValueFactory = _ => "delete" };
    private readonly Option<string> _labels = new("--labels") { Description = "top (the prediction, the ground truth and the next three by logit), all, or labels separated by commas: name:X (the label named X), index:N or #N (the N-th logit), or a bare name (a bare number that is no label's name is an index).", DefaultValueFactory = _ => "top" };
    private readonly Option<string> _modalities = new("--modalities") { Description = "image, text or image,text.", DefaultValueFactory = _ => "image,text" };
    private readonly Option<int> _stability = new("--stability") { Description = "Runs with other seeds to measure stability (0: none).", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _curves = new("--curves") { Description = "Compute deletion and insertion curves." };
    private readonly Option<int?> _partners = new("--partners") { Description = $"k, the reference partners per perturbed row (0: exact, all N; default {ExplainOptionsResolver.DefaultPartners})." };
    private readonly Option<string?> _partnerEstimator = new("--partner-estimator") { Description = "perRow (each row draws its own k partners) or shared (one subset for every row)." };
    private readonly Option<int?> _bootstrap = new("--bootstrap") { Description = "Bootstrap resamples of the rows for the stability figures (0: off)." };
    private readonly Option<bool> _partial = new("--partial") { Description = "Print partial results as rows arrive (after 100, 250, 500, then every 250 rows)." };
    private readonly Option<bool> _untilStable = new("--until-stable") { Description = "Stop a modality's sampling once its top features stop changing." };

    public static ExplainOptionFlags Create() => new();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _seed, _imageSamples, _textSamples, _referenceSize, _segmentation, _hide, _textMask, _labels, _modalities, _stability, _curves, _partners, _partnerEstimator, _bootstrap, _partial, _untilStable })
        {
            command.Options.Add(option);
        }
    }

    public ExplainOptionsDto Read(ParseResult result)
    {
        var labels = result.GetValue(_labels) ?? "top";
        var labelsJson = labels is "all" or "top"
            ? JsonSerializer.SerializeToElement(labels)
            : JsonSerializer.SerializeToElement(labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return new ExplainOptionsDto(
            Labels: labelsJson,
            Modalities: (result.GetValue(_modalities) ?? "image,text").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ImageSamples: result.GetValue(_imageSamples),
            TextSamples: result.GetValue(_textSamples),
            ReferenceSize: result.GetValue(_referenceSize),
            Segmentation: new SegmentationDto(result.GetValue(_segmentation), null, null, null, null, null, null, null, null),
            Hide: new HideDto(result.GetValue(_hide), null, null),
            TextMask: result.GetValue(_textMask),
            Quality: new QualityDto(result.GetValue(_stability), result.GetValue(_curves), result.GetValue(_bootstrap)),
            Seed: result.GetValue(_seed),
            Partners: result.GetValue(_partners),
            PartnerEstimator: result.GetValue(_partnerEstimator),
            Partial: result.GetValue(_partial) ? true : null,
            UntilStable: result.GetValue(_untilStable) ? true : null);
    }
}
