using Dime.Engine.Disentanglement;
using Dime.Engine.Explanation;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Models;
using Dime.Engine.Perturbation;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;
using Dime.Engine.Tests.Support;

namespace Dime.Engine.Tests.Explanation;

/// <summary>The cheaper partner estimators of method.md section 8: unbiased, exact at k = N, and 1 + k pairs per row.</summary>
public sealed class PartnerEstimatorTests
{
    private const int Size = 32;
    private const int N = 12;
    private static readonly string[] Words = ["red", "cube", "sphere", "left", "blue", "small"];
    private static readonly SegmentationOptions Grid4 = new() { Method = SegmentationMethod.Grid, GridRows = 4, GridColumns = 4 };

    /// <summary>Interactions whose size depends on the partner, so g1 and g2 vary across R and the estimators have something to miss.</summary>
    private static FunctionModel Model() => new(["yes", "no"], (image, text) =>
    {
        var red = Scenes.CellCorner(image, 4, 4, 5, 0) / 255;
        var green = Scenes.CellCorner(image, 4, 4, 10, 1) / 255;
        var words = text.Split(' ').Length;
        var hasRed = Scenes.HasWord(text, "red") ? 1.0 : 0.0;
        return [(float)((3 * red * hasRed) + (green * words * 0.3) - hasRed), (float)(Math.Sin(4 * red * words) + (green * (1 - hasRed)))];
    });

    private static ReferenceSet Reference(bool answers = false) => References.Of(
        [.. Enumerable.Range(0, N).Select(i => Scenes.Pattern(Size, i + 1))],
        [.. Enumerable.Range(0, N).Select(i => string.Join(' ', Words.Where((_, w) => ((i + 1) * (w + 3)) % 5 < 3)) + $" {i}")],
        answers ? [.. Enumerable.Range(0, N).Select(i => i % 3 == 0 ? "yes" : i % 3 == 1 ? "no" : "two")] : null);

    private static ExplainInstance Instance => new(Scenes.Pattern(Size, 0), "is the red cube left of the small blue sphere", "instance");

    private static ExplainOptions Options => new()
    {
        ImageSamples = 120, TextSamples = 120, Segmentation = Grid4, Seed = 3, RowsPerBatch = 40, TextFeatureSelection = FeatureSelection.None, BootstrapResamples = 0,
    };

    [Theory]
    [InlineData(PartnerEstimator.PerRow)]
    [InlineData(PartnerEstimator.Shared)]
    public async Task K_equal_to_N_is_exact_bit_for_bit(PartnerEstimator estimator)
    {
        var model = Model();
        var prepared = await References.PrepareAsync(model, Reference(answers: true));
        var exact = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options, null, CancellationToken.None);
        var withN = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options with { Partners = N, PartnerEstimator = estimator }, null, CancellationToken.None);
        var withMore = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options with { Partners = 10 * N, PartnerEstimator = estimator }, null, CancellationToken.None);

        foreach (var other in new[] { withN, withMore })
        {
            for (var l = 0; l < 2; l++)
            {
                Assert.Equal(exact.Image!.Labels[l].UC.Weights, other.Image!.Labels[l].UC.Weights);
                Assert.Equal(exact.Image.Labels[l].MI.Weights, other.Image.Labels[l].MI.Weights);
                Assert.Equal(exact.Text!.Labels[l].MI.Weights, other.Text!.Labels[l].MI.Weights);
                Assert.Equal(exact.Text.Labels[l].UC.Intercept, other.Text.Labels[l].UC.Intercept);
            }

            Assert.Null(other.Image!.Sampling!.Estimator);
            Assert.Equal(N, other.Image.Sampling.Partners);
        }
    }

    [Theory]
    [InlineData(PartnerEstimator.PerRow, 3)]
    [InlineData(PartnerEstimator.PerRow, 7)]
    [InlineData(PartnerEstimator.Shared, 4)]
    public async Task Cost_is_one_plus_k_pairs_per_row(PartnerEstimator estimator, int k)
    {
        var model = Model();
        var prepared = await References.PrepareAsync(model, Reference());
        var before = model.Pairs;
        var explanation = await DimeExplainer.ExplainAsync(model, Instance, prepared, Options with { Partners = k, PartnerEstimator = estimator }, null, CancellationToken.None);

        // Row 0 (the instance) meets all N with the per-row estimator; the instance's decomposition is 2N + 1 pairs.
        var rows = estimator == PartnerEstimator.PerRow ? (1 + N) + ((Options.ImageSamples - 1) * (1 + k)) : Options.ImageSamples * (1 + k);
        Assert.Equal(rows, explanation.Image!.Sampling!.PairPasses);
        Assert.Equal(rows, explanation.Text!.Sampling!.PairPasses);
        Assert.Equal((2 * N) + 1 + (2L * rows), model.Pairs - before);
        Assert.Equal(estimator, explanation.Image.Sampling.Estimator);
        Assert.Equal(k, explanation.Text.Sampling.Partners);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Per_row_estimate_of_g1_and_g2_is_unbiased(bool stratified, bool controlVariate)
    {
        var model = Model();
        var reference = Reference(answers: true);
        var prepared = await References.PrepareAsync(model, reference);
        var segmentation = Segmenter.Segment(Instance.Image, Grid4, 0);
        var hiding = new ImageHiding(Instance.Image, segmentation, HideMode.SegmentMean, default, 1);
        var imageRows = RowSampler.Image(8, segmentation.Count, new Xoshiro256StarStar(5, 1));
        var text = new IndexedText(Instance.Text, TextFeatureMode.BagOfWords);
        var textRows = RowSampler.Text(8, text.FeatureCount, new Xoshiro256StarStar(5, 2));
        var instanceImage = new ImageList([Instance.Image], [Instance.ImageCacheKey]);
        int[] labels = [0, 1];

        async Task<(RowValues Image, RowValues Text)> Passes(PartnerPlan imagePlan, PartnerPlan textPlan)
        {
            var image = new RowValues(imageRows.Count, 2);
            var textValues = new RowValues(textRows.Count, 2);
            await PerturbationPasses.ImageRowsAsync(model, hiding, imageRows, 0, imageRows.Count, imagePlan, reference, Instance.Text, labels, 5, image, new PassClock(), _ => { }, CancellationToken.None);
            await PerturbationPasses.TextRowsAsync(model, text, textRows, 0, textRows.Count, null, textPlan, reference, instanceImage, labels, 5, textValues, new PassClock(), _ => { }, CancellationToken.None);
            return (image, textValues);
        }

        var exact = await Passes(PartnerPlan.Exact(N), PartnerPlan.Exact(N));
        var withTexts = await model.EvaluateGridAsync(instanceImage, reference.Texts, CancellationToken.None);
        var withImages = await model.EvaluateGridAsync(reference.Images, [Instance.Text], CancellationToken.None);
        var imageControl = new PartnerControl(
            [.. withTexts.Values.Select(v => (double)v)], [.. Enumerable.Range(0, 2).Select(c => Enumerable.Range(0, N).Average(j => (double)withTexts[0, j, c]))], 2);
        var textControl = new PartnerControl(
            [.. withImages.Values.Select(v => (double)v)], [.. Enumerable.Range(0, 2).Select(c => Enumerable.Range(0, N).Average(i => (double)withImages[i, 0, c]))], 2);
        const int Seeds = 300;
        const int K = 3;
        var sum = (Image: new double[exact.Image.PartialDependence.Length], Text: new double[exact.Text.PartialDependence.Length]);
        var squares = (Image: new double[sum.Image.Length], Text: new double[sum.Text.Length]);
        for (var seed = 0; seed < Seeds; seed++)
        {
            var random = new Xoshiro256StarStar(seed, 9);
            var imagePlan = PartnerPlan.Create(N, K, PartnerEstimator.PerRow, reference.Answers, stratified, 8, random);
            var textPlan = PartnerPlan.Create(N, K, PartnerEstimator.PerRow, reference.Answers, stratified, 8, random);
            var estimate = controlVariate
                ? await Passes(imagePlan with { Control = imageControl }, textPlan with { Control = textControl })
                : await Passes(imagePlan, textPlan);
            Accumulate(estimate.Image, sum.Image, squares.Image);
            Accumulate(estimate.Text, sum.Text, squares.Text);
            Assert.Equal(exact.Image.Output, estimate.Image.Output);
        }

        var spread = 0.0;
        foreach (var (values, total, square) in new[] { (exact.Image, sum.Image, squares.Image), (exact.Text, sum.Text, squares.Text) })
        {
            // Row 0 uses all N; every other row's mean over seeds is within 4.5 standard errors of the exact value.
            for (var i = 0; i < values.PartialDependence.Length; i++)
            {
                var mean = total[i] / Seeds;
                var variance = Math.Max(0, (square[i] / Seeds) - (mean * mean));
                var standardError = Math.Sqrt(variance / Seeds);
                spread = Math.Max(spread, variance);
                Assert.InRange(values.PartialDependence[i] - mean, -(4.5 * standardError) - 1e-9, (4.5 * standardError) + 1e-9);
                if (i < 2)
                {
                    Assert.Equal(values.PartialDependence[i], mean, 1e-9);
                }
            }
        }

        Assert.True(spread > 1e-4, $"The model must make the estimate vary, or the test shows nothing (largest variance {spread}).");
    }

    private static void Accumulate(RowValues values, double[] sum, double[] squares)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += values.PartialDependence[i];
            squares[i] += values.PartialDependence[i] * values.PartialDependence[i];
        }
    }

    [Fact]
    public void Draws_are_stratified_with_inclusion_probability_k_over_n()
    {
        string?[] answers = [.. Enumerable.Range(0, 10).Select(i => i < 6 ? "yes" : i < 9 ? "no" : "two")];
        const int Rows = 20_000;
        var plan = PartnerPlan.Create(10, 4, PartnerEstimator.PerRow, answers, stratified: true, Rows, new Xoshiro256StarStar(1, 4));
        var taken = new int[10];
        for (var row = 1; row < Rows; row++)
        {
            var partners = plan.Of(row);
            Assert.Equal(4, partners.Length);
            Assert.Equal(partners.Length, partners.Distinct().Count());
            var yes = partners.Count(j => j < 6);
            Assert.InRange(yes, 2, 3); // 4 * 6/10 = 2.4
            Assert.InRange(partners.Count(j => j is >= 6 and < 9), 1, 2); // 1.2
            foreach (var j in partners)
            {
                taken[j]++;
            }
        }

        Assert.Equal(Enumerable.Range(0, 10), plan.Of(0));
        foreach (var count in taken)
        {
            Assert.InRange(count / (double)(Rows - 1), 0.38, 0.42);
        }

        var shared = PartnerPlan.Create(10, 4, PartnerEstimator.Shared, answers, stratified: true, Rows, new Xoshiro256StarStar(1, 4));
        Assert.True(shared.SameForEveryRow);
        Assert.Equal(shared.Of(0), shared.Of(Rows - 1));
    }

    [Fact]
    public async Task Subsampled_explanations_are_seeded_and_close_to_exact()
    {
        var model = Model();
        var prepared = await References.PrepareAsync(model, Reference(answers: true));
        var options = Options with { ImageSamples = 600, TextSamples = 600 };
        var exact = await DimeExplainer.ExplainAsync(model, Instance, prepared, options, null, CancellationToken.None);
        var a = await DimeExplainer.ExplainAsync(model, Instance, prepared, options with { Partners = 6 }, null, CancellationToken.None);
        var b = await DimeExplainer.ExplainAsync(model, Instance, prepared, options with { Partners = 6 }, null, CancellationToken.None);

        Assert.Equal(a.Image!.Labels[0].MI.Weights, b.Image!.Labels[0].MI.Weights);
        Assert.NotEqual(exact.Image!.Labels[0].UC.Weights, a.Image.Labels[0].UC.Weights);
        Assert.Equal(exact.Image.Labels[0].M.Weights, a.Image.Labels[0].M.Weights);
        Assert.Equal(exact.Instance.MI, a.Instance.MI);
        for (var l = 0; l < 2; l++)
        {
            var largest = exact.Image.Labels[l].UC.Weights.Max(Math.Abs);
            var difference = exact.Image.Labels[l].UC.Weights.Zip(a.Image.Labels[l].UC.Weights, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(difference < 0.25 * largest, $"label {l}: UC weights differ by {difference} against a largest weight of {largest}");
        }
    }
}
