using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Protocol;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using StreamJsonRpc;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>
/// A 40-megapixel photo-sized image through the real daemon process (issue 14, item 3): a cancel lands quickly in every
/// phase (reading and decoding, the reference set, segmentation, the image and text passes, fitting), and one whole
/// explanation of it stays within the documented peak memory. The figures are printed; the bounds asserted are generous
/// (the issue's target is 250 ms; shared CI machines vary).
/// </summary>
[Collection(nameof(Timed))]
public sealed class LargeImageTests(ITestOutputHelper output)
{
    /// <summary>
    /// One explanation of the image (VmHWM after a reset, so on top of what the process kept from the cancelled ones):
    /// measured 610-770 MiB at loads 0.5-20 (docs/protocol.md); the bound leaves room for a loaded machine's slower GC.
    /// </summary>
    private const long PeakMemoryBound = 1_024L << 20;

    /// <summary>The six cancelled explanations before it (nothing of them runs on after its cancel): measured 477-524 MiB.</summary>
    private const long SequencePeakMemoryBound = 1_024L << 20;

    [Fact]
    public async Task Cancel_lands_in_every_phase_and_peak_memory_stays_bounded_on_a_40_megapixel_image()
    {
        var folder = TestPaths.NewTempFolder("large");
        var path = Path.Combine(folder, "large.png");
        using (var image = new Image<Rgb24>(8000, 5000))
        {
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < row.Length; x++)
                    {
                        row[x] = new Rgb24((byte)(x / 40), (byte)(y / 25), (byte)((x ^ y) & 0xFF));
                    }
                }
            });
            await image.SaveAsPngAsync(path, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
        }

        await using var daemon = DaemonProcess.Start();
        await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "tests" }, device = "cpu" });
        var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString();
        var reference = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("datasetId").GetString();
        string? phase = null;
        var phaseSeen = new TaskCompletionSource();
        daemon.ProgressReceived += (token, value) =>
        {
            if (phase is not null && value.GetProperty("phase").GetString() == phase)
            {
                phaseSeen.TrySetResult();
            }
        };

        var latencies = new List<string>();
        var worst = 0L;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var run = 0;
        foreach (var wanted in new[] { "decode", "reference", "segmentation", "image", "text", "fitting" })
        {
            run++;
            phase = wanted == "decode" ? null : wanted;
            phaseSeen = new TaskCompletionSource();
            var options = new
            {
                referenceDatasetId = reference,
                referenceSize = wanted == "reference" ? 150 : 10,
                referenceSeed = run,
                seed = run,
                imageSamples = wanted == "fitting" ? 3000 : 4000,
                textSamples = 4000,
                modalities = wanted == "fitting" ? new[] { "image" } : new[] { "image", "text" },
                segmentation = wanted switch
                {
                    "segmentation" => new { method = "quickshift", kernelSize = 2.0 },
                    "fitting" => new { method = "grid", rows = 31, columns = 31 }, // 961 features: a fit of seconds
                    _ => (object)new { method = "grid", rows = 8, columns = 8 },
                },
            };
            using var cancel = new CancellationTokenSource();
            var call = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { imagePath = path, question = "is there a red circle?" }, options, progressToken = run }, cancel.Token);
            if (wanted == "decode")
            {
                await Task.Delay(150);
            }
            else
            {
                await phaseSeen.Task.WaitAsync(TimeSpan.FromSeconds(120));
            }

            Assert.False(call.IsCompleted, $"{wanted}: the explanation ended before it could be cancelled");
            var clock = Stopwatch.StartNew();
            await cancel.CancelAsync();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => call);
            clock.Stop();
            Assert.True(error is OperationCanceledException || error is RemoteInvocationException { ErrorCode: -32800 }, $"{wanted}: {error}");

            // Nothing is abandoned any more (the reply comes when the request's own work has ended), so the latency is the
            // time the work took to stop. The CPU the daemon uses in the next second is printed beside it: at low load a
            // step left running would show as a second of CPU or more; tiered JIT, the GC and the shared reference
            // preparation (stopped through its own token when nobody waits) make up the rest.
            var cpuBefore = CpuMilliseconds(daemon.Process.Id);
            await Task.Delay(1000);
            var cpuAfter = CpuMilliseconds(daemon.Process.Id) - cpuBefore;
            latencies.Add($"{wanted} {clock.ElapsedMilliseconds} ms (then {cpuAfter} ms CPU in 1 s)");
            worst = Math.Max(worst, clock.ElapsedMilliseconds);
        }

        var sequencePeak = PeakResidentBytes(daemon.Process.Id);
        ResetPeakResident(daemon.Process.Id);
        var whole = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model,
            sample = new { imagePath = path, question = "is there a red circle?" },
            options = new { referenceDatasetId = reference, referenceSize = 10, imageSamples = 200, textSamples = 200 },
        });
        var peak = PeakResidentBytes(daemon.Process.Id);
        output.WriteLine($"40 MP image (8000x5000, explained at {whole.GetProperty("sample").GetProperty("width")}x{whole.GetProperty("sample").GetProperty("height")}): cancel latency {string.Join(", ", latencies)}; peak resident memory {peak >> 20} MiB for the whole explanation, {sequencePeak >> 20} MiB over the cancelled ones before it");
        output.WriteLine($"load average {load} at the start, {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        Assert.True(worst < 1000, $"a cancel took {worst} ms: {string.Join(", ", latencies)}");

        Assert.True(peak < PeakMemoryBound, $"peak resident memory {peak >> 20} MiB");
        Assert.True(sequencePeak < SequencePeakMemoryBound, $"peak resident memory over the cancelled explanations {sequencePeak >> 20} MiB");
        Assert.True(whole.GetProperty("sample").GetProperty("width").GetInt32() * whole.GetProperty("sample").GetProperty("height").GetInt32() <= 1_000_000);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>utime + stime of /proc/pid/stat (fields 14 and 15, in clock ticks of 10 ms), after the command's parentheses.</summary>
    private static long CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10;
    }

    /// <summary>Writing 5 to /proc/pid/clear_refs resets VmHWM to the current resident size (Linux 4.0 and later).</summary>
    private static void ResetPeakResident(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    /// <summary>VmHWM of /proc/pid/status: the most resident memory the process had since start or the last reset.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
