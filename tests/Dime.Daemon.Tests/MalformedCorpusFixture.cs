using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Nerdbank.Streams;

namespace Dime.Daemon.Tests;

/// <summary>
/// One daemon for the whole corpus, spoken to byte for byte, with every kind of bad input laid out on disk:
/// broken images, a dataset whose paths leave its folder, broken datasets, broken models, a model that outputs NaN.
/// </summary>
public sealed partial class MalformedCorpusFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _served;
    private Daemon? _daemon;
    private int _id = 1000;

    internal RawClient Client { get; private set; } = null!;

    public string Folder { get; } = TestPaths.NewTempFolder("corpus");

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public int NextId() => Interlocked.Increment(ref _id);

    public async Task InitializeAsync()
    {
        LayOutFiles();
        LayOutMoreFiles();
        var (server, client) = FullDuplexStream.CreatePair();
        _daemon = new Daemon(new DaemonOptions(Path.Combine(Folder, "cache"), "cpu", LogLevel.Off), new Log(LogLevel.Off, TextWriter.Null));
        _served = Task.Run(() => DaemonServer.RunAsync(_daemon, server, server, _stop.Token));
        Client = new RawClient(client);
        await Call("initialize", new { cacheFolder = Path.Combine(Folder, "cache"), device = "cpu" });
        Values["model"] = (await Call(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString()!;
        Values["nanModel"] = (await Call(ProtocolNames.LoadModel, new { manifestPath = Path.Combine(Folder, "nan-model", "manifest.json") })).GetProperty("modelId").GetString()!;
        Values["dataset"] = (await Call(ProtocolNames.OpenDataset, new { path = Path.Combine(Folder, "samples.jsonl") })).GetProperty("datasetId").GetString()!;
        var result = await Call(ProtocolNames.Explain, new
        {
            modelId = Values["model"],
            sample = new { datasetId = Values["dataset"], index = 0 },
            options = new { imageSamples = 20, textSamples = 20, referenceSize = 5, referenceDatasetId = (await Call(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("datasetId").GetString() },
        });
        Values["result"] = result.GetProperty("resultId").GetString()!;
        Values["devices"] = (await Call(ProtocolNames.OpenDataset, new { path = Path.Combine(Folder, "devices.jsonl") })).GetProperty("datasetId").GetString()!;
        Values["zeroRefModel"] = (await Call(ProtocolNames.LoadModel, new { manifestPath = Path.Combine(Folder, "zero-reference", "manifest.json") })).GetProperty("modelId").GetString()!;
        Values["folder"] = Folder.Replace("\\", "\\\\", StringComparison.Ordinal);
    }

    public async Task<JsonElement> Call(string method, object parameters)
    {
        var id = NextId();
        await Client.SendAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = parameters }));
        var reply = await Client.ReplyAsync(TimeSpan.FromSeconds(120));
        Assert.True(reply.TryGetProperty("result", out var result), $"{method} failed during setup: {reply}");
        return result;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_served is not null)
        {
            await _served.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _daemon?.Dispose();
        _socket?.Dispose();
        _stop.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private void LayOutFiles()
    {
        var images = Directory.CreateDirectory(Path.Combine(Folder, "images")).FullName;
        var good = File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, "images", "0000.png"));
        File.WriteAllBytes(Path.Combine(images, "good.png"), good);
        File.WriteAllBytes(Path.Combine(images, "corrupt.png"), [.. good.Take(16), .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 251))]);
        File.WriteAllBytes(Path.Combine(images, "truncated.png"), good[..(good.Length * 2 / 5)]);
        File.WriteAllBytes(Path.Combine(images, "bomb.png"), BombPng(60_000, 60_000));
        File.WriteAllText(Path.Combine(images, "notes.png"), "these are notes, not an image");
        File.WriteAllBytes(Path.Combine(images, "empty.png"), []);
        File.CreateSymbolicLink(Path.Combine(images, "escape.png"), "/etc/hostname");
        string Line(string image, string question) => JsonSerializer.Serialize(new { image, question, answer = "yes" });
        File.WriteAllLines(Path.Combine(Folder, "samples.jsonl"),
        [
            Line("images/good.png", "is there a red circle?"),
            Line("images/missing.png", "is there a red circle?"),
            Line("images/corrupt.png", "is there a red circle?"),
            Line("images/truncated.png", "is there a red circle?"),
            Line("images/bomb.png", "is there a red circle?"),
            Line("images/notes.png", "is there a red circle?"),
            Line("images/empty.png", "is there a red circle?"),
            Line("../../../../etc/passwd", "is there a red circle?"),
            Line("/etc/hostname", "is there a red circle?"),
            Line("images/escape.png", "is there a red circle?"),
            Line("images/good.png", "   "),
            Line("images/good.png", string.Concat(Enumerable.Repeat("red ", 2000))),
        ]);

        File.WriteAllText(Path.Combine(Folder, "notjson.jsonl"), "this is not json\n{ neither is this\n");
        File.WriteAllText(Path.Combine(Folder, "empty.jsonl"), string.Empty);
        File.WriteAllBytes(Path.Combine(Folder, "binary.jsonl"), [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 31 % 256))]);
        File.WriteAllText(Path.Combine(Folder, "clevr-bad.json"), """{"info": {}, "scenes": []}""");
        Directory.CreateDirectory(Path.Combine(Folder, "a-folder.jsonl"));

        var demoModel = Path.GetDirectoryName(TestPaths.CleanManifest)!;
        var manifest = JsonNode.Parse(File.ReadAllText(TestPaths.CleanManifest))!.AsObject();
        manifest.Remove("referenceDataset");
        ModelVariant("garbage-onnx", demoModel, manifest, m => m["graphs"]!["full"]!["path"] = "garbage.onnx", folder => File.WriteAllText(Path.Combine(folder, "garbage.onnx"), "definitely not a protobuf"));
        ModelVariant("wrong-input", demoModel, manifest, m => m["graphs"]!["full"]!["inputs"]!["image"] = "pixels");
        ModelVariant("bad-tokenizer", demoModel, manifest, m => m["tokenizer"]!["kind"] = "sentencepiece-v9");
        ModelVariant("few-labels", demoModel, manifest, m => m["labels"]!.AsArray().RemoveAt(0));
        ModelVariant("missing-graph", demoModel, manifest, m => m["graphs"]!["fusion"]!["path"] = "nowhere.onnx");
        Directory.CreateDirectory(Path.Combine(Folder, "not-json-model"));
        File.WriteAllText(Path.Combine(Folder, "not-json-model", "manifest.json"), "{ graphs: oops");

        var nan = Directory.CreateDirectory(Path.Combine(Folder, "nan-model")).FullName;
        File.Copy(Path.Combine(TestPaths.ToyModels, "model_nan.onnx"), Path.Combine(nan, "model_nan.onnx"));
        File.Copy(Path.Combine(TestPaths.ToyModels, "vocab.txt"), Path.Combine(nan, "vocab.txt"));
        File.WriteAllText(Path.Combine(nan, "manifest.json"), """
            {
              "name": "outputs NaN",
              "graphs": { "full": { "path": "model_nan.onnx", "inputs": { "image": "image", "text": "tokens", "attentionMask": "attention_mask" }, "output": "logits" } },
              "image": { "width": 8, "height": 8, "resize": "bilinear", "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25] },
              "tokenizer": { "kind": "words", "vocabulary": "vocab.txt", "lowercase": true, "maxLength": 6, "maskToken": "<mask>" },
              "labels": ["a", "b", "c", "d"]
            }
            """);
    }

    internal void ModelVariant(string name, string source, JsonObject manifest, Action<JsonObject> edit, Action<string>? extra = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;
        foreach (var file in Directory.EnumerateFiles(source).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var copy = manifest.DeepClone().AsObject();
        edit(copy);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), copy.ToJsonString());
        extra?.Invoke(folder);
    }

    /// <summary>A valid PNG header that claims a huge image, followed by a tiny data stream: a decompression bomb's calling card.</summary>
    internal static byte[] BombPng(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    internal static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
