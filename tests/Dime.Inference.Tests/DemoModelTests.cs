using System.Globalization;
using System.Text.Json;
using Dime.Engine.Models;
using Dime.Inference.Checking;

namespace Dime.Inference.Tests;

/// <summary>The demo models (demo/models) through the C# preprocessing, tokenizer and ONNX Runtime.</summary>
[Collection(DemoCollection.Name)]
public sealed class DemoModelTests(DemoModels models)
{
    [Theory]
    [InlineData("clean")]
    [InlineData("biased")]
    public async Task Split_path_gives_the_full_graph_logits_on_dataset_samples(string name)
    {
        var model = models[name];
        Assert.NotNull(model.Split);
        var picks = new[] { 0, 1, 2, 3, 4, 5, 7, 11, 13, 17, 19, 23 };
        var images = DemoData.ImagesOf(picks);
        var texts = picks.Select(i => DemoData.Samples[i].Question).Append("is there a <mask> cube?").Append(string.Empty).ToArray();

        var result = await ModelChecker.CheckAsync(model, images, texts, 1e-4, CancellationToken.None);

        Assert.True(result.Passed, result.ToString());
        Assert.InRange(result.MaxRelativeError, 0, 1e-4);
        Assert.Equal(picks.Length, result.Images);
    }

    [Theory]
    [InlineData("clean")]
    [InlineData("biased")]
    public async Task Committed_samples_reach_the_reported_accuracy(string name)
    {
        var samples = DemoData.Samples;
        var model = models[name];
        var logits = await model.PredictAsync(DemoData.ImagesOf(Enumerable.Range(0, samples.Count)), samples.Select(s => s.Question).ToArray(), CancellationToken.None);
        var correct = Enumerable.Range(0, samples.Count).Select(i => model.Labels[logits.ArgMax(i)] == samples[i].Answer).ToArray();

        // the report written by the training script next to the models: models.<name>.committed
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "report.json")));
        var expected = report.RootElement.GetProperty("models").GetProperty(name).GetProperty("committed");
        var types = samples.Select(s => s.Type).ToHashSet();
        var compared = 0;
        foreach (var entry in expected.EnumerateObject())
        {
            double? ours = entry.Name == "overall" ? Percent(correct)
                : types.Contains(entry.Name) ? Percent(correct.Where((_, i) => samples[i].Type == entry.Name).ToArray())
                : null;
            if (ours is null)
            {
                continue;
            }

            compared++;
            var reported = entry.Value.GetDouble();
            Assert.True(
                Math.Abs(ours.Value - reported) <= 0.5,
                string.Create(CultureInfo.InvariantCulture, $"{name} {entry.Name}: {ours:0.00}% here, {reported:0.00}% in report.json"));
        }

        Assert.True(compared >= 2, "report.json has no overall or per-type accuracy for the committed samples");
    }

    [Fact]
    public async Task Synthetic_check_passes_at_the_training_script_tolerance()
    {
        var result = await ModelChecker.CheckAsync(models.Clean, 1e-5, CancellationToken.None);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(8, result.Texts);
    }

    [Fact]
    public void Demo_preprocessing_matches_pytorch()
    {
        var image = Imaging.ImageLoader.Load(Path.Combine(TestPaths.Fixtures, "preprocess_reference.png"));
        var expected = ReadFloats(Path.Combine(TestPaths.Fixtures, "preprocess_reference.f32"));
        var actual = new float[models.Clean.Preprocessor.OutputLength];

        models.Clean.Preprocessor.Process(image.Pixels, image.Width, image.Height, actual);

        Assert.Equal(3 * 64 * 64, expected.Length);
        Assert.InRange(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max(), 0, 2e-6);
    }

    [Fact]
    public void Demo_tokenizer_keeps_the_mask_token_and_pads()
    {
        var ids = models.Clean.TokenIds("Is there a <MASK> Square? zebra");
        var vocabulary = File.ReadAllLines(Path.Combine(TestPaths.Demo, "models", "clean", "vocab.txt"));
        int Id(string word) => Array.IndexOf(vocabulary, word);

        Assert.Equal(new[] { Id("is"), Id("there"), Id("a"), 2, Id("square"), 1 }, ids.Take(6));
        Assert.All(ids.Skip(6), id => Assert.Equal(0, id));
        Assert.Equal(16, ids.Count);
        Assert.Equal("<mask>", models.Clean.Tokenizer.MaskToken);
    }

    [Fact]
    public void Loaded_model_describes_itself()
    {
        Assert.Equal(21, models.Clean.Labels.Count);
        Assert.Equal(64, models.Clean.ImageWidth);
        Assert.Equal(16, models.Clean.Tokenizer.MaxLength);
        Assert.Equal("cpu", models.Clean.Device.Device);
        Assert.Contains("logical cores", models.Clean.Device.Name, StringComparison.Ordinal);
        Assert.Null(models.Clean.Device.FallbackReason);
        Assert.Matches("^[0-9a-f]{64}$", models.Clean.ContentHash);
        Assert.NotEqual(models.Clean.ContentHash, models.Biased.ContentHash);
        Assert.Same(models.Clean.Split, models.Clean.Model);
    }

    [Fact]
    public async Task Grid_and_pair_predictions_agree()
    {
        var picks = new[] { 3, 8, 9 };
        var texts = picks.Select(i => DemoData.Samples[i].Question).ToArray();
        var grid = await models.Biased.Model.EvaluateGridAsync(DemoData.ImagesOf(picks), texts, CancellationToken.None);
        var pairs = await models.Biased.PredictAsync(DemoData.ImagesOf(picks), texts, CancellationToken.None);

        for (var i = 0; i < picks.Length; i++)
        {
            var row = grid.Row(i, i).ToArray();
            var pair = pairs.Row(i).ToArray();
            Assert.All(row.Zip(pair), p => Assert.Equal(p.First, p.Second, 4));
        }
    }

    [Fact]
    public async Task Arbitrary_pairs_equal_their_grid_entries_on_the_split_path_and_the_full_graph()
    {
        var picks = new[] { 3, 8, 9, 14 };
        var texts = picks.Select(i => DemoData.Samples[i].Question).ToArray();
        int[] imageOf = [0, 0, 2, 3, 1, 3, 0];
        int[] textOf = [1, 3, 0, 0, 2, 2, 1];
        foreach (var model in new[] { models.Clean.Model, models.Clean.FullGraph! })
        {
            var grid = await model.EvaluateGridAsync(DemoData.ImagesOf(picks), texts, CancellationToken.None);
            var pairs = await model.EvaluatePairsAsync(DemoData.ImagesOf(picks), texts, imageOf, textOf, CancellationToken.None);

            Assert.Equal(imageOf.Length * 21, pairs.Length);
            for (var p = 0; p < imageOf.Length; p++)
            {
                var expected = grid.Row(imageOf[p], textOf[p]).ToArray();
                Assert.All(expected.Zip(pairs.AsSpan(p * 21, 21).ToArray()), v => Assert.Equal(v.First, v.Second, 4));
            }
        }
    }

    private static double Percent(bool[] correct) => Math.Round(100.0 * correct.Count(c => c) / correct.Length, 2);

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
