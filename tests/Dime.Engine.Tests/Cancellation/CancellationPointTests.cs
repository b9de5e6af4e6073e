using System.Diagnostics;
using Dime.Engine.Fitting;
using Dime.Engine.Imaging;
using Dime.Engine.Perturbation;
using Dime.Engine.Quality;
using Dime.Engine.Sampling;
using Dime.Engine.Segmentation;
using Xunit.Abstractions;

namespace Dime.Engine.Tests.Cancellation;

/// <summary>
/// The CPU-bound steps of an explanation stop themselves when cancelled (issue 14): each is started on an image of the
/// size a 40-megapixel photo is explained at (1264 x 790, after the daemon's 1-megapixel budget) or a fit of the size
/// of a 31 x 31 grid, cancelled 100 ms in, and must throw within a generous bound (the target is 250 ms; a shared,
/// loaded machine stretches it). The latency from the cancel to the step's own exit is printed.
/// </summary>
[Collection(nameof(Timed))]
public sealed class CancellationPointTests(ITestOutputHelper output)
{
    private const int Width = 1264;
    private const int Height = 790;
    private const int BoundMs = 1000;

    private static readonly RgbImage Photo = Pattern(Width, Height);

    [Theory]
    [InlineData(SegmentationMethod.Quickshift)]
    [InlineData(SegmentationMethod.Slic)]
    public async Task Segmentation_stops_when_cancelled(SegmentationMethod method)
    {
        var options = new SegmentationOptions { Method = method, SlicSegments = 2000, SlicIterations = 100 };

        await AssertStopsQuickly($"segmentation ({method})", token => Segmenter.Segment(Photo, options, 0, token));
    }

    [Fact]
    public async Task Hiding_by_blur_stops_when_cancelled()
    {
        var segmentation = Segmenter.Segment(Photo, new SegmentationOptions { Method = SegmentationMethod.Grid, GridRows = 31, GridColumns = 31 }, 0);

        await AssertStopsQuickly("hiding masks (blur)", token => new ImageHiding(Photo, segmentation, HideMode.Blur, default, 40, token));
    }

    [Fact]
    public async Task Fitting_and_its_bootstrap_stop_when_cancelled()
    {
        var (rows, weights, targets) = FitProblem(samples: 3000, features: 961, targets: 15);
        var settings = new FitSettings(FeatureSelection.None, 10, 1.0);

        await AssertStopsQuickly("fitting", token => LimeFit.Fit(rows, weights, targets, settings, token));
        var full = LimeFit.Fit(rows.Take(400), weights[..400], [.. targets.Select(t => t[..400])], settings);
        await AssertStopsQuickly(
            "bootstrap",
            token => BootstrapStability.Run(rows, weights, targets, settings, full, 10, 5, new Xoshiro256StarStar(1), token));
    }

    [Fact]
    public void A_fit_with_a_token_that_is_never_cancelled_is_the_same_fit()
    {
        var (rows, weights, targets) = FitProblem(samples: 200, features: 30, targets: 3);
        var settings = new FitSettings(FeatureSelection.Auto, 10, 1.0);
        using var never = new CancellationTokenSource();

        var plain = LimeFit.Fit(rows, weights, targets, settings);
        var withToken = LimeFit.Fit(rows, weights, targets, settings, never.Token);

        Assert.Equal(plain.Select(f => f.Weights), withToken.Select(f => f.Weights));
    }

    private async Task AssertStopsQuickly<T>(string step, Func<CancellationToken, T> work)
    {
        using var cancel = new CancellationTokenSource();
        var started = Stopwatch.StartNew();
        var running = Task.Run(() => work(cancel.Token), CancellationToken.None);
        await Task.Delay(100);
        Assert.False(running.IsCompleted, $"{step} ended in {started.ElapsedMilliseconds} ms, before it could be cancelled");
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        clock.Stop();
        output.WriteLine($"{step}: stopped {clock.ElapsedMilliseconds} ms after the cancel (load average {LoadAverage()})");
        Assert.True(clock.ElapsedMilliseconds < BoundMs, $"{step} took {clock.ElapsedMilliseconds} ms to stop");
    }

    private static (FeatureRows Rows, double[] Weights, double[][] Targets) FitProblem(int samples, int features, int targets)
    {
        var random = new Xoshiro256StarStar(5);
        var rows = RowSampler.Image(samples, features, random);
        var weights = KernelWeights.Compute(rows, 0.25);
        var values = Enumerable.Range(0, targets)
            .Select(t => Enumerable.Range(0, samples).Select(i => rows.CountOn(i) * (t + 1) * 0.01 + (random.NextInt(1000) / 1000.0)).ToArray())
            .ToArray();
        return (rows, weights, values);
    }

    private static RgbImage Pattern(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 3;
                pixels[p] = (byte)(x / 5);
                pixels[p + 1] = (byte)(y / 3);
                pixels[p + 2] = (byte)((x ^ y) & 0xFF);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}

/// <summary>Tests that measure latencies run alone, not beside the rest of the assembly's tests.</summary>
[CollectionDefinition(nameof(Timed), DisableParallelization = true)]
public sealed class Timed;
