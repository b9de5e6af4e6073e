using System.Text.Json;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Perturbation;
using Dime.Engine.Segmentation;

namespace Dime.Daemon.Tests;

/// <summary>Reproduce rebuilds the engine's options from provenance.options: nothing may be lost on the way.</summary>
public sealed class ProvenanceOptionsTests
{
    [Fact]
    public void Every_engine_option_survives_the_provenance_round_trip()
    {
        var options = new ExplainOptions
        {
            Modalities = Modalities.Image,
            Labels = [3, 1],
            ImageSamples = 123,
            TextSamples = 45,
            Segmentation = new SegmentationOptions { Method = SegmentationMethod.Slic, SlicSegments = 33, SlicCompactness = 7.5, QuickshiftSeed = 9 },
            HideMode = HideMode.Constant,
            HideColor = new RgbColor(232, 229, 222),
            BlurSigma = 2.5,
            TextFeatures = TextFeatureMode.Positions,
            TextPerturbation = TextPerturbation.MaskToken,
            MaskToken = "<mask>",
            ImageFeatureSelection = FeatureSelection.HighestWeights,
            ImageFeatureCount = 4,
            TextFeatureSelection = FeatureSelection.Forward,
            TextFeatureCount = 3,
            KernelWidth = 0.3,
            RidgeAlpha = 0.5,
            Seed = 77,
            RowsPerBatch = 64,
        };

        var json = JsonSerializer.Serialize(options, Protocol.Json.Options);
        var back = JsonSerializer.Deserialize<ExplainOptions>(json, Protocol.Json.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, Protocol.Json.Options));
        Assert.Equal(new RgbColor(232, 229, 222), back.HideColor);
        Assert.Equal([3, 1], back.Labels!);
        Assert.Equal(options with { Labels = back.Labels }, back);
    }
}
