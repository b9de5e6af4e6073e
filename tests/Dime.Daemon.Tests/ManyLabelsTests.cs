using System.Text.Json;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Tests;

/// <summary>A model with VQA's 3129 labels (Fixtures/many_labels, made by make_many_labels.py): results stay small by default.</summary>
public sealed class ManyLabelsTests
{
    private static string Manifest => Path.Combine(TestPaths.RepoRoot, "tests", "Dime.Inference.Tests", "Fixtures", "many_labels", "manifest.json");

    [Fact]
    public async Task The_default_explains_five_labels_and_the_result_stays_small()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = Manifest })).GetProperty("modelId").GetString();
        var dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("datasetId").GetString();

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model,
            sample = new { datasetId = dataset, index = 3 },
            options = new { imageSamples = 60, textSamples = 40, referenceSize = 10, seed = 1 },
        });

        Assert.Equal(3129, result.GetProperty("labels").GetArrayLength());
        var explained = result.GetProperty("image").GetProperty("explanations").GetArrayLength();
        Assert.InRange(explained, 4, 5);
        Assert.Equal(explained, result.GetProperty("values").GetArrayLength());
        Assert.Equal(explained, result.GetProperty("text").GetProperty("explanations").GetArrayLength());
        var bytes = result.GetRawText().Length;
        Assert.True(bytes < 200_000, $"the result has {bytes} characters");
    }
}
