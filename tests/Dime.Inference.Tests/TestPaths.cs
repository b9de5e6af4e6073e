using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dime.Inference.Tests;

/// <summary>Where the tests find their inputs: fixtures copied next to the test assembly, the demo inside the repository.</summary>
internal static class TestPaths
{
    public static string Fixtures { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Toy { get; } = Path.Combine(Fixtures, "toy");

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>demo/ of this repository: models/{clean,biased}, dataset/, report.json.</summary>
    public static string Demo { get; } = Path.Combine(RepoRoot, "demo");

    public static string DemoManifest(string model)
    {
        var path = Path.Combine(Demo, "models", model, "manifest.json");
        Assert.True(File.Exists(path), $"The demo model is missing at {path}; the trained models come from main (demo/models).");
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dime.sln not found above the test assembly.");
    }
}

/// <summary>A copy of a model folder in a temporary directory whose manifest a test may change.</summary>
internal sealed class ModelFolder : IDisposable
{
    private ModelFolder(string path) => Path = path;

    public string Path { get; }

    public string Manifest => System.IO.Path.Combine(Path, "manifest.json");

    /// <summary>Copies <paramref name="source"/> (its .onnx, .txt and .json files) into a fresh temporary folder.</summary>
    public static ModelFolder CopyOf(string source)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dime-inference-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            if (file.EndsWith(".onnx", StringComparison.Ordinal) || file.EndsWith(".txt", StringComparison.Ordinal) || file.EndsWith(".json", StringComparison.Ordinal))
            {
                File.Copy(file, System.IO.Path.Combine(path, System.IO.Path.GetFileName(file)));
            }
        }

        return new ModelFolder(path);
    }

    /// <summary>The toy split model (fixtures/toy) with a manifest that uses every graph and the attention mask.</summary>
    public static ModelFolder Toy(Action<JsonObject>? edit = null)
    {
        var folder = CopyOf(TestPaths.Toy);
        folder.WriteManifest(ToyManifest());
        if (edit is not null)
        {
            folder.EditManifest(edit);
        }

        return folder;
    }

    public static JsonObject ToyManifest() => new()
    {
        ["name"] = "toy",
        ["graphs"] = new JsonObject
        {
            ["full"] = Graph("model.onnx", "logits", ("image", "image"), ("text", "tokens"), ("attentionMask", "attention_mask")),
            ["imageEncoder"] = Graph("image_encoder.onnx", "image_features", ("image", "image")),
            ["textEncoder"] = Graph("text_encoder.onnx", "text_features", ("text", "tokens"), ("attentionMask", "attention_mask")),
            ["fusion"] = Graph("fusion.onnx", "logits", ("image", "image_features"), ("text", "text_features")),
        },
        ["image"] = new JsonObject
        {
            ["width"] = 8,
            ["height"] = 8,
            ["resize"] = "bilinear",
            ["mean"] = new JsonArray(0.5, 0.5, 0.5),
            ["std"] = new JsonArray(0.25, 0.25, 0.25),
        },
        ["tokenizer"] = new JsonObject
        {
            ["kind"] = "words",
            ["vocabulary"] = "vocab.txt",
            ["lowercase"] = true,
            ["maxLength"] = 6,
            ["maskToken"] = "<mask>",
        },
        ["labels"] = new JsonArray("a", "b", "c", "d"),
    };

    public static JsonObject Graph(string path, string output, params (string Role, string Name)[] inputs)
    {
        var map = new JsonObject();
        foreach (var (role, name) in inputs)
        {
            map[role] = name;
        }

        return new JsonObject { ["path"] = path, ["inputs"] = map, ["output"] = output };
    }

    public void WriteManifest(JsonNode manifest) =>
        File.WriteAllText(Manifest, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public void EditManifest(Action<JsonObject> edit)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Manifest))!.AsObject();
        edit(manifest);
        WriteManifest(manifest);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
