using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Nerdbank.Streams;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>
/// A bounded, seeded random fuzzer over the framing and the parameters (issue 14, item 8): mutated frames (headers in
/// odd case, lengths a little off, bytes flipped, bodies cut) and requests with random values in every field. After each
/// input the daemon must still answer status, and no reply may be an internal error (-32603). The seed is printed; the
/// run stops after <see cref="Inputs"/> inputs or 40 seconds, whichever comes first.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 1414;
    private const int Inputs = 2500;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    private static readonly string[] Methods =
    [
        "dime/status", "dime/loadModel", "dime/unloadModel", "dime/openDataset", "dime/listSamples", "dime/predict",
        "dime/explain", "dime/explainDataset", "dime/compare", "dime/export", "initialize", "dime/nothing", "$/cancelRequest",
    ];

    private static readonly string[] Fields =
    [
        "path", "format", "fields", "manifestPath", "modelId", "modelIds", "datasetId", "offset", "limit", "count", "top", "sample",
        "options", "resultId", "folder", "progressToken",
    ];

    private static readonly string[] OptionFields =
    [
        "labels", "modalities", "imageSamples", "textSamples", "referenceSize", "referenceSeed", "seed", "segmentation", "hide",
        "textMask", "textFeatures", "imageFeatures", "textFeatureCount", "featureSelection", "quality", "stratified", "referenceDatasetId",
    ];

    [Fact]
    public async Task Random_frames_and_parameters_never_crash_hang_or_fail_internally()
    {
        var random = new Random(Seed);
        var cache = TestPaths.NewTempFolder("fuzz");
        var (server, client) = FullDuplexStream.CreatePair();
        using var stop = new CancellationTokenSource();
        var log = new StringWriter();
        using var daemon = new Daemon(new DaemonOptions(cache, "cpu", LogLevel.Info), new Log(LogLevel.Info, TextWriter.Synchronized(log)));
        var served = Task.Run(() => DaemonServer.RunAsync(daemon, server, server, stop.Token));
        var raw = new RawClient(client);
        var id = 0;
        async Task<JsonElement> Call(string method, object parameters)
        {
            var callId = ++id;
            await raw.SendAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id = callId, method, @params = parameters }));
            return await UntilId(raw, callId, []);
        }

        await Call("initialize", new { device = "cpu" });
        var model = (await Call(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("result").GetProperty("modelId").GetString()!;
        var dataset = (await Call(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("result").GetProperty("datasetId").GetString()!;
        var known = new[] { model, dataset, TestPaths.DemoDataset, TestPaths.CleanManifest, cache };

        var codes = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < Inputs && clock.Elapsed < Budget; sent++)
        {
            var fuzzId = ++id;
            var body = RandomRequest(random, fuzzId, known);
            var frame = body.ToJsonString();
            if (random.NextDouble() < 0.4)
            {
                frame = MutatedFrame(random, body);
                await raw.SendRawAsync(frame);
            }
            else
            {
                await raw.SendAsync(body.ToJsonString());
                if (random.NextDouble() < 0.5)
                {
                    await raw.SendAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", method = "$/cancelRequest", @params = new { id = fuzzId } }));
                }
            }

            var syncId = ++id;
            await raw.SendRawAsync(string.Concat(Enumerable.Repeat("\r\n", 300))); // what an over-long Content-Length swallows
            await raw.SendAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id = syncId, method = "dime/status", @params = new { } }));
            var replies = new List<JsonElement>();
            JsonElement status;
            try
            {
                status = await UntilId(raw, syncId, replies);
            }
            catch (Exception e) when (e is OperationCanceledException or EndOfStreamException)
            {
                var text = log.ToString();
                Assert.Fail($"seed {Seed}, input {sent}: no status reply after {Shorten(frame)}; the log ends: {text[Math.Max(0, text.Length - 1500)..]}");
                throw;
            }

            Assert.True(status.TryGetProperty("result", out _), $"seed {Seed}, input {sent}: status failed: {status}");
            foreach (var reply in replies.Where(r => r.TryGetProperty("error", out _)))
            {
                var code = reply.GetProperty("error").GetProperty("code").GetInt32();
                codes[code] = codes.GetValueOrDefault(code) + 1;
                Assert.True(code != -32603, $"seed {Seed}, input {sent}: internal error for {Shorten(body.ToJsonString())}: {reply}");
            }

            Assert.False(served.IsCompleted, $"seed {Seed}, input {sent}: the daemon stopped");
        }

        output.WriteLine($"fuzz seed {Seed}: {sent} inputs in {clock.Elapsed.TotalSeconds:0.0} s; error codes: {string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{c.Key} x{c.Value}"))}");
        Assert.True(sent >= 50, $"only {sent} inputs in {Budget.TotalSeconds} s");
        await stop.CancelAsync();
        await served.WaitAsync(TimeSpan.FromSeconds(10));
        Directory.Delete(cache, recursive: true);
    }

    /// <summary>Replies until the one with <paramref name="wanted"/> as its id; the others are collected.</summary>
    private static async Task<JsonElement> UntilId(RawClient raw, int wanted, List<JsonElement> others)
    {
        while (true)
        {
            var reply = await raw.ReplyAsync(TimeSpan.FromSeconds(30));
            if (reply.TryGetProperty("id", out var replyId) && replyId.ValueKind == JsonValueKind.Number && replyId.GetInt32() == wanted)
            {
                return reply;
            }

            others.Add(reply);
        }
    }

    private static JsonObject RandomRequest(Random random, int id, string[] known)
    {
        var parameters = new JsonObject();
        foreach (var field in Fields.Where(_ => random.NextDouble() < 0.3))
        {
            parameters[field] = field switch
            {
                "sample" => RandomSample(random, known),
                "options" => RandomOptions(random, known),
                _ => RandomValue(random, known, 2),
            };
        }

        return new JsonObject
        {
            ["jsonrpc"] = random.NextDouble() < 0.95 ? "2.0" : RandomValue(random, known, 0),
            ["id"] = id,
            ["method"] = random.NextDouble() < 0.95 ? Methods[random.Next(Methods.Length)] : RandomValue(random, known, 0),
            ["params"] = random.NextDouble() < 0.9 ? parameters : RandomValue(random, known, 1),
        };
    }

    private static JsonNode RandomSample(Random random, string[] known) => random.Next(3) switch
    {
        0 => new JsonObject { ["datasetId"] = random.NextDouble() < 0.7 ? known[1] : RandomValue(random, known, 0), ["index"] = RandomValue(random, known, 0) },
        1 => new JsonObject { ["imagePath"] = RandomValue(random, known, 0), ["question"] = RandomValue(random, known, 0) },
        _ => RandomValue(random, known, 2) ?? JsonValue.Create(0),
    };

    private static JsonNode RandomOptions(Random random, string[] known)
    {
        var options = new JsonObject();
        foreach (var field in OptionFields.Where(_ => random.NextDouble() < 0.3))
        {
            options[field] = RandomValue(random, known, 2);
        }

        return options;
    }

    private static JsonNode? RandomValue(Random random, string[] known, int depth) => random.Next(depth > 0 ? 12 : 10) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-3, 30)),
        2 => JsonValue.Create(random.NextDouble() < 0.5 ? int.MaxValue : long.MinValue),
        3 => JsonValue.Create(random.NextDouble() * 1e6),
        4 => JsonValue.Create(random.NextDouble() < 0.5),
        5 => JsonValue.Create(known[random.Next(known.Length)]),
        6 => JsonValue.Create(known[random.Next(known.Length)] + (char)random.Next(0, 0x60)),
        7 => JsonValue.Create(new string((char)random.Next(0x20, 0x3000), random.Next(0, 400))),
        8 => JsonValue.Create(random.NextDouble() < 0.5 ? "all" : "top"),
        9 => JsonValue.Create(string.Empty),
        10 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, known, depth - 1))]),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(_ => KeyValuePair.Create(OptionFields[random.Next(OptionFields.Length)] + random.Next(3), RandomValue(random, known, depth - 1)))
            .DistinctBy(p => p.Key)),
    };

    /// <summary>A frame with something wrong or odd: the header's case or separator, a length a little off, bytes flipped, a body cut short.</summary>
    private static string MutatedFrame(Random random, JsonObject request)
    {
        var body = request.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(body);
        var length = bytes.Length;
        var name = random.Next(4) switch { 0 => "content-length", 1 => "CONTENT-LENGTH", 2 => "Content-length", _ => "Content-Length" };
        var end = random.NextDouble() < 0.5 ? "\r\n\r\n" : "\n\n";
        switch (random.Next(6))
        {
            case 0:
                length += random.Next(-20, 200); // too short: the rest reads as a header; too long: swallows the padding
                break;
            case 1:
                for (var i = 0; i < 1 + random.Next(5); i++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(0x20, 0x7F);
                }

                break;
            case 2:
                var cut = random.Next(bytes.Length);
                bytes = bytes[..cut];
                length = cut;
                break;
            case 3:
                return $"{name}: {RandomHeaderValue(random)}{end}{body}";
            case 4:
                return $"X-Extra: {random.Next()}\r\n{name}: {length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8{end}{body}";
        }

        return $"{name}: {Math.Max(0, length).ToString(CultureInfo.InvariantCulture)}{end}{Encoding.UTF8.GetString(bytes)}";
    }

    private static string RandomHeaderValue(Random random) => random.Next(4) switch
    {
        0 => "-1",
        1 => "abc",
        2 => "99999999999999999999",
        _ => string.Empty,
    };

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
