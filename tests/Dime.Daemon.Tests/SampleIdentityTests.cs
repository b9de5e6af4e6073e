using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>
/// The daemon owns sample identity: dime/findSample and the {path, line} / {path, id} sample references, through
/// the real protocol, on JSONL files (blank and unreadable lines among the samples) and CLEVR files (pretty-printed,
/// and on one line with questions told apart by column).
/// </summary>
public sealed class SampleIdentityTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder("identity");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task FindSample_names_the_sample_a_JSONL_line_holds_as_listSamples_does()
    {
        await using var daemon = await InProcessDaemon.StartAsync();

        var found = await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = TestPaths.DemoDataset, line = 5 });
        var dataset = found.GetProperty("dataset");
        var listed = await daemon.Call<JsonElement>(ProtocolNames.ListSamples, new { datasetId = dataset.GetProperty("datasetId").GetString(), offset = 4, limit = 1 });

        var sample = found.GetProperty("sample");
        Assert.Equal(listed.GetProperty("samples")[0].GetRawText(), sample.GetRawText());
        Assert.Equal(4, sample.GetProperty("index").GetInt32());
        Assert.Equal(5, sample.GetProperty("line").GetInt32());
        Assert.Equal("0004", sample.GetProperty("id").GetString());
        var image = sample.GetProperty("imagePath").GetString()!;
        Assert.True(Path.IsPathFullyQualified(image));
        Assert.Equal(Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, "images", "0004.png"), image);
        Assert.True(File.Exists(image));
        Assert.Equal("jsonl", dataset.GetProperty("format").GetString());
        Assert.Equal(300, dataset.GetProperty("count").GetInt32());

        var byId = await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = TestPaths.DemoDataset, id = "0004" });
        Assert.Equal(sample.GetRawText(), byId.GetProperty("sample").GetRawText());
    }

    [Fact]
    public async Task Blank_unreadable_and_missing_lines_are_typed_errors_and_indexes_skip_them()
    {
        var file = Path.Combine(_folder, "samples.jsonl");
        File.WriteAllLines(file,
        [
            """{"id": "a", "image": "a.png", "question": "first?"}""",
            string.Empty,
            """{"id": "b", "question": "no image here"}""",
            """not json""",
            """{"id": "c", "image": "c.png", "question": "third?", "answer": "yes"}""",
        ]);
        await using var daemon = await InProcessDaemon.StartAsync();

        var third = await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = file, line = 5 });
        Assert.Equal(1, third.GetProperty("sample").GetProperty("index").GetInt32());
        Assert.Equal("c", third.GetProperty("sample").GetProperty("id").GetString());
        Assert.Equal("yes", third.GetProperty("sample").GetProperty("answer").GetString());
        Assert.Equal(Path.Combine(_folder, "c.png"), third.GetProperty("sample").GetProperty("imagePath").GetString());

        var blank = await FindError(daemon, new { path = file, line = 2 });
        var noImage = await FindError(daemon, new { path = file, line = 3 });
        var notJson = await FindError(daemon, new { path = file, line = 4 });
        var past = await FindError(daemon, new { path = file, line = 9 });
        var unknownId = await FindError(daemon, new { path = file, id = "zzz" });
        Assert.All(new[] { blank, noImage, notJson, past, unknownId }, e => Assert.Equal(1202, e.ErrorCode));
        Assert.Equal("line 2 of samples.jsonl is not a sample: the line is blank.", blank.Message);
        Assert.Equal("line 3 of samples.jsonl is not a sample: no image field.", noImage.Message);
        Assert.StartsWith("line 4 of samples.jsonl is not a sample: ", notJson.Message, StringComparison.Ordinal);
        Assert.Equal("line 9 of samples.jsonl is not a sample: the file has 5 lines.", past.Message);
        Assert.Contains("no sample with id 'zzz'", unknownId.Message, StringComparison.Ordinal);

        // malformed references: invalid arguments, and the daemon stays up
        Assert.Equal(1000, (await FindError(daemon, new { path = file })).ErrorCode);
        Assert.Equal(1000, (await FindError(daemon, new { path = file, line = 1, id = "a" })).ErrorCode);
        Assert.Equal(1000, (await FindError(daemon, new { path = file, line = 0 })).ErrorCode);
        Assert.Equal(1000, (await FindError(daemon, new { path = file, line = 1, column = 0 })).ErrorCode);
        Assert.Equal(1200, (await FindError(daemon, new { path = Path.Combine(_folder, "nope.jsonl"), line = 1 })).ErrorCode);
        Assert.Equal("a", (await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = file, line = 1 })).GetProperty("sample").GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_dataset_opened_with_its_own_field_names_keeps_them_for_path_references()
    {
        var file = Path.Combine(_folder, "custom.jsonl");
        File.WriteAllLines(file, ["""{"key": "k1", "picture": "p.png", "ask": "what?", "text": "decoy"}"""]);
        await using var daemon = await InProcessDaemon.StartAsync();

        var found = await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = file, line = 1, fields = new { image = "picture", question = "ask", id = "key" } });
        var again = await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = file, id = "k1" });

        Assert.Equal("what?", found.GetProperty("sample").GetProperty("question").GetString());
        Assert.Equal(found.GetRawText(), again.GetRawText());
    }

    [Fact]
    public async Task CLEVR_positions_name_the_question_that_holds_them_and_images_follow_the_split_of_the_file_name()
    {
        var (pretty, oneLine) = WriteClevr();
        await using var daemon = await InProcessDaemon.StartAsync();

        // pretty-printed: any line of a question's element names it, nested program lines included
        var lines = File.ReadAllLines(pretty);
        int LineOf(string text) => Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        var second = await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = pretty, line = LineOf("\"filter_color\"") });
        Assert.Equal("Is the ball gray?", second.GetProperty("sample").GetProperty("question").GetString());
        Assert.Equal(1, second.GetProperty("sample").GetProperty("index").GetInt32());
        Assert.Equal("11", second.GetProperty("sample").GetProperty("id").GetString());
        Assert.Equal(LineOf("\"image_index\": 1,") - 1, second.GetProperty("sample").GetProperty("line").GetInt32());
        Assert.Equal(Path.Combine(_folder, "CLEVR", "images", "val", "CLEVR_val_000001.png"), second.GetProperty("sample").GetProperty("imagePath").GetString());
        Assert.Equal("clevr", second.GetProperty("dataset").GetProperty("format").GetString());
        var header = await FindError(daemon, new { path = pretty, line = 2 });
        Assert.Equal(1202, header.ErrorCode);
        var skipped = await FindError(daemon, new { path = pretty, line = LineOf("no image") });
        Assert.Contains("not inside a question the daemon could read", skipped.Message, StringComparison.Ordinal);

        // one line: the column tells the questions apart (UTF-16 columns: "é" is one unit, "🙂" two)
        var text = File.ReadAllText(oneLine);
        int ColumnOf(string s) => text.IndexOf(s, StringComparison.Ordinal) + 1;
        async Task<string> QuestionAt(int column) =>
            (await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = oneLine, line = 1, column })).GetProperty("sample").GetProperty("question").GetString()!;
        Assert.Equal("Is the café 🙂 red?", await QuestionAt(ColumnOf("café")));
        Assert.Equal("Is the ball gray?", await QuestionAt(ColumnOf("gray")));
        Assert.Equal("Is the ball gray?", await QuestionAt(ColumnOf("\"question_index\":11")));
        Assert.Equal("How many cubes?", await QuestionAt(ColumnOf("cubes")));
        var secondStart = ColumnOf("{\"image_index\":1,");
        Assert.Equal("Is the ball gray?", await QuestionAt(secondStart));
        Assert.Equal("Is the café 🙂 red?", await QuestionAt(secondStart - 2)); // the closing brace of the first question
        Assert.Equal("Is the café 🙂 red?", await QuestionAt(1));
        Assert.Equal("Is the café 🙂 red?", (await daemon.Call<JsonElement>(ProtocolNames.FindSample, new { path = oneLine, line = 1 })).GetProperty("sample").GetProperty("question").GetString());
    }

    [Fact]
    public async Task Predict_and_explain_take_a_path_and_line_and_agree_with_the_index_form()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, dataset) = await ExplainOverRpcTests.OpenDemo(daemon);

        var byLine = await daemon.Call<JsonElement>(ProtocolNames.Predict, new { modelId = model, sample = new { path = TestPaths.DemoDataset, line = 8 } });
        var byIndex = await daemon.Call<JsonElement>(ProtocolNames.Predict, new { modelId = model, sample = new { datasetId = dataset, index = 7 } });
        var byId = await daemon.Call<JsonElement>(ProtocolNames.Predict, new { modelId = model, sample = new { path = TestPaths.DemoDataset, id = "0007" } });
        Assert.Equal(byIndex.GetRawText(), byLine.GetRawText());
        Assert.Equal(byIndex.GetRawText(), byId.GetRawText());
        Assert.Equal(8, byLine.GetProperty("sample").GetProperty("line").GetInt32());

        var options = new { modalities = new[] { "text" }, textSamples = 40, referenceSize = 8, seed = 1 };
        var explained = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { path = TestPaths.DemoDataset, line = 8 }, options });
        var cached = await daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 7 }, options });
        Assert.Equal(7, explained.GetProperty("sample").GetProperty("index").GetInt32());
        Assert.Equal(explained.GetProperty("resultId").GetString(), cached.GetProperty("resultId").GetString());
        Assert.True(cached.GetProperty("cached").GetBoolean());

        var both = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Predict, new { modelId = model, sample = new { path = TestPaths.DemoDataset, line = 8, datasetId = dataset, index = 7 } }));
        Assert.Equal(1000, both.ErrorCode);
        var blank = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Predict, new { modelId = model, sample = new { path = TestPaths.DemoDataset, line = 301 } }));
        Assert.Equal(1202, blank.ErrorCode);
    }

    [Fact]
    public async Task Compare_takes_a_path_and_line_into_a_CLEVR_file()
    {
        var (pretty, _) = WriteClevr();
        await using var daemon = await InProcessDaemon.StartAsync();
        var clean = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString();
        var biased = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.BiasedManifest })).GetProperty("modelId").GetString();
        var line = Array.FindIndex(File.ReadAllLines(pretty), l => l.Contains("How many cubes?", StringComparison.Ordinal)) + 1;

        var result = await daemon.Call<JsonElement>(ProtocolNames.Compare, new
        {
            modelIds = new[] { clean, biased },
            sample = new { path = pretty, line },
            options = new { modalities = new[] { "text" }, textSamples = 40, referenceSize = 4, seed = 1 },
        });

        foreach (var one in result.GetProperty("results").EnumerateArray())
        {
            Assert.Equal("How many cubes?", one.GetProperty("sample").GetProperty("question").GetString());
            Assert.Equal(Path.Combine(_folder, "CLEVR", "images", "val", "CLEVR_val_000002.png"), one.GetProperty("sample").GetProperty("imagePath").GetString());
        }
    }

    private static async Task<RemoteInvocationException> FindError(InProcessDaemon daemon, object parameters) =>
        await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.FindSample, parameters));

    /// <summary>CLEVR's layout (questions/CLEVR_val_questions.json, images/val/), the questions without a split field; the demo's images stand in.</summary>
    private (string Pretty, string OneLine) WriteClevr()
    {
        var root = Path.Combine(_folder, "CLEVR");
        var images = Directory.CreateDirectory(Path.Combine(root, "images", "val")).FullName;
        var demoImages = Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, "images");
        for (var i = 0; i < 3; i++)
        {
            File.Copy(Path.Combine(demoImages, $"000{i}.png"), Path.Combine(images, $"CLEVR_val_00000{i}.png"), overwrite: true);
        }

        var questions = Directory.CreateDirectory(Path.Combine(root, "questions")).FullName;
        var document = new
        {
            info = new { version = "1.0" },
            questions = new object[]
            {
                new { image_index = 0, image_filename = "CLEVR_val_000000.png", question = "Is the café 🙂 red?", answer = "yes", question_index = 10 },
                new { image_index = 1, image_filename = "CLEVR_val_000001.png", question = "Is the ball gray?", answer = "no", question_index = 11, program = new object[] { new { function = "scene" }, new { function = "filter_color", value_inputs = new[] { "gray" } } } },
                new { image_index = 9, question = "no image here", question_index = 12 },
                new { image_index = 2, image_filename = "CLEVR_val_000002.png", question = "How many cubes?", answer = "2", question_index = 13 },
            },
        };
        // the serializer escapes characters outside the Basic Multilingual Plane; the files hold them as UTF-8
        string Json(bool indented) => System.Text.RegularExpressions.Regex.Replace(
            JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            @"\\u[dD]83[dD]\\u[dD][eE]42",
            "🙂");
        var pretty = Path.Combine(questions, "CLEVR_val_questions.json");
        File.WriteAllText(pretty, Json(indented: true));
        var oneLine = Path.Combine(root, "questions-one-line", "CLEVR_val_questions.json");
        Directory.CreateDirectory(Path.GetDirectoryName(oneLine)!);
        File.WriteAllText(oneLine, Json(indented: false));
        Assert.Contains("café 🙂 red", File.ReadAllText(oneLine), StringComparison.Ordinal);
        return (pretty, oneLine);
    }
}
