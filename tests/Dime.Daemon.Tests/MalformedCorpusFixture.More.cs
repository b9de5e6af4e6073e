using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dime.Daemon.Tests;

/// <summary>The files of <see cref="MalformedCorpusMoreCases"/>: FIFOs, devices, sockets, forged images, datasets of the wrong shape.</summary>
public sealed partial class MalformedCorpusFixture
{
    private Socket? _socket;

    public Task<int> Served => _served ?? Task.FromResult(-1);

    /// <summary>Sends one case (ID and $placeholders filled in) and returns its reply.</summary>
    internal async Task<JsonElement> SendCaseAsync(string body, TimeSpan timeout)
    {
        var id = NextId();
        var text = body.Replace("ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        foreach (var (key, value) in Values)
        {
            text = text.Replace("$" + key, value, StringComparison.Ordinal);
        }

        await Client.SendAsync(text);
        return await Client.ReplyAsync(timeout);
    }

    private void LayOutMoreFiles()
    {
        var images = Path.Combine(Folder, "images");
        MakeFifo(Path.Combine(Folder, "pipe.jsonl"));
        MakeFifo(Path.Combine(images, "pipe.png"));
        File.CreateSymbolicLink(Path.Combine(Folder, "zero.jsonl"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(Folder, "zero.json"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(images, "zero.png"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(Folder, "link-to-samples.jsonl"), Path.Combine(Folder, "samples.jsonl"));
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified); // its file lives as long as it does
        _socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(Folder, "socket.jsonl")));

        string Line(string image) => JsonSerializer.Serialize(new { image, question = "is there a red circle?", answer = "yes" });
        File.WriteAllLines(Path.Combine(Folder, "devices.jsonl"), [Line("images/pipe.png"), Line("images"), Line("images/zero.png"), Line("images/a\0b.png")]);

        var demoModel = Path.GetDirectoryName(TestPaths.CleanManifest)!;
        var manifest = JsonNode.Parse(File.ReadAllText(TestPaths.CleanManifest))!.AsObject();
        manifest.Remove("referenceDataset");
        Directory.CreateDirectory(Path.Combine(Folder, "zero-model"));
        File.CreateSymbolicLink(Path.Combine(Folder, "zero-model", "manifest.json"), "/dev/zero");
        Directory.CreateDirectory(Path.Combine(Folder, "fifo-model"));
        MakeFifo(Path.Combine(Folder, "fifo-model", "manifest.json"));
        Directory.CreateDirectory(Path.Combine(Folder, "folder-model", "manifest.json"));
        ModelVariant("fifo-graph", demoModel, manifest, m => m["graphs"]!["full"]!["path"] = "pipe.onnx", folder => MakeFifo(Path.Combine(folder, "pipe.onnx")));
        ModelVariant("zero-graph", demoModel, manifest, m => m["graphs"]!["full"]!["path"] = "zero.onnx", folder => File.CreateSymbolicLink(Path.Combine(folder, "zero.onnx"), "/dev/zero"));
        ModelVariant("fifo-vocab", demoModel, manifest, m => m["tokenizer"]!["vocabulary"] = "pipe.txt", folder => MakeFifo(Path.Combine(folder, "pipe.txt")));
        ModelVariant("urandom-vocab", demoModel, manifest, m => m["tokenizer"]!["vocabulary"] = "/dev/urandom");
        ModelVariant("huge-manifest", demoModel, manifest, m => m["description"] = new string(' ', 5 << 20));
        ModelVariant("zero-reference", demoModel, manifest, m => m["referenceDataset"] = "/dev/zero");

        var clevr = new Dictionary<string, string>
        {
            ["clevr-array.json"] = "[]",
            ["clevr-string.json"] = "\"questions\"",
            ["clevr-null.json"] = "null",
            ["clevr-qobject.json"] = """{"questions": {"a": 1}}""",
            ["clevr-qnumbers.json"] = """{"questions": [1, 2, 3]}""",
            ["clevr-qtypes.json"] = """{"questions": [{"image_filename": 5, "question": []}, {"image_filename": {}, "question": null}]}""",
            ["clevr-qnull.json"] = """{"questions": null}""",
            ["clevr-deep.json"] = """{"questions": [""" + new string('[', 1000) + new string(']', 1000) + "]}",
            ["clevr-empty.json"] = string.Empty,
            ["clevr-truncated.json"] = """{"questions": [{"image_filename": "a.png", "quest""",
            ["jsonl-arrays.jsonl"] = "[1,2]\n[\"image\",\"question\"]\n",
            ["jsonl-numbers.jsonl"] = "1\n2\n3\n",
            ["jsonl-imageobject.jsonl"] = """{"image": {"path": "a.png"}, "question": "is it red?"}""" + "\n",
            ["jsonl-blank.jsonl"] = "\n\n   \n\t\n",
        };
        foreach (var (name, text) in clevr)
        {
            File.WriteAllText(Path.Combine(Folder, name), text);
        }

        File.WriteAllText(Path.Combine(Folder, "jsonl-utf16.jsonl"), """{"image": "images/good.png", "question": "is it red?"}""", Encoding.Unicode);

        var good = File.ReadAllBytes(Path.Combine(images, "good.png"));
        File.WriteAllBytes(Path.Combine(images, "forged.png"), ForgedPng(6000, 6000, new byte[16]));
        File.WriteAllBytes(Path.Combine(images, "no-idat.png"), Png(64, 64, []));
        File.WriteAllBytes(Path.Combine(images, "chunk-past-end.png"), [.. good[..33], 0x00, 0x10, 0x00, 0x00, .. "IDAT"u8.ToArray(), 1, 2, 3]);
        File.WriteAllBytes(Path.Combine(images, "metadata.png"), WithChunkBeforeIend(good, "tEXt", [.. "Comment\0"u8.ToArray(), .. new byte[9 << 20]]));
        File.WriteAllBytes(Path.Combine(images, "ztxt-bomb.png"), WithChunkBeforeIend(good, "zTXt", [.. "Comment\0\0"u8.ToArray(), .. Deflate(new byte[64 << 20])]));
        File.WriteAllBytes(Path.Combine(images, "half.jpg"), HalfJpeg());
        File.WriteAllBytes(Path.Combine(images, "header.gif"), "GIF89a"u8.ToArray().Concat(new byte[] { 0x40, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00 }).ToArray());
        File.WriteAllBytes(Path.Combine(images, "header.bmp"), [.. "BM"u8.ToArray(), .. new byte[12], 40, 0, 0, 0, 64, 0, 0, 0, 64, 0, 0, 0, 1, 0, 24, 0]);
        File.WriteAllBytes(Path.Combine(images, "random.jpg"), [.. Enumerable.Range(0, 5000).Select(i => (byte)((i * 2654435761u) >> 24))]);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>A PNG header declaring width x height, with the given IDAT payload (zlib) and IEND.</summary>
    private static byte[] Png(int width, int height, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        if (idat.Length > 0)
        {
            Chunk(png, "IDAT", idat);
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] ForgedPng(int width, int height, byte[] payload) => Png(width, height, [0x78, 0x9C, .. payload[2..]]);

    private static byte[] WithChunkBeforeIend(byte[] png, string type, byte[] data)
    {
        var iend = png.Length - 12;
        using var output = new MemoryStream();
        output.Write(png.AsSpan(0, iend));
        Chunk(output, type, data);
        output.Write(png.AsSpan(iend));
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] HalfJpeg()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(64, 64);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, stream);
        var bytes = stream.ToArray();
        return bytes[..(bytes.Length / 2)];
    }
}
