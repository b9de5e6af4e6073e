using System.Text.Json;

namespace Dime.Daemon.Tests;

/// <summary>
/// Bad requests and bad inputs, one after another against the same daemon: each gets its own typed error, and the
/// daemon answers a valid request right after it. $model, $nanModel, $dataset, $folder and $result stand for what
/// the fixture set up; ID for the request id.
/// </summary>
public sealed class MalformedCorpusTests(MalformedCorpusFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<MalformedCorpusFixture>
{
    public static TheoryData<string, string, int> Cases() => new()
    {
        // the JSON-RPC layer
        { "truncated JSON", """{"jsonrpc":"2.0","id":ID,"method":"dime/stat""", -32700 },
        { "not JSON", "this is not json", -32700 },
        { "a JSON string", "\"just a string\"", -32700 },
        { "a JSON number", "42", -32700 },
        { "unknown method", """{"jsonrpc":"2.0","id":ID,"method":"dime/makeCoffee","params":{}}""", -32601 },
        { "params as an array", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":["a","b"]}""", -32602 },
        { "path is a number", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":5}}""", -32602 },
        { "offset is a string", """{"jsonrpc":"2.0","id":ID,"method":"dime/listSamples","params":{"datasetId":"$dataset","offset":"x"}}""", -32602 },
        { "seed is a string", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"seed":"abc"}}}""", -32602 },
        { "samples is fractional", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"imageSamples":1.5}}}""", -32602 },
        { "partners negative", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"partners":-2}}}""", 1000 },
        { "unknown partner estimator", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"partnerEstimator":"some"}}}""", 1000 },
        { "bootstrap too large", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"quality":{"bootstrap":100000}}}}""", 1000 },
        { "initialize twice", """{"jsonrpc":"2.0","id":ID,"method":"initialize","params":{}}""", 1000 },

        // datasets
        { "no path", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{}}""", 1000 },
        { "missing dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/nope.jsonl"}}""", 1200 },
        { "dataset is a folder", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/a-folder.jsonl"}}""", 1004 },
        { "dataset not JSON", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/notjson.jsonl"}}""", 1201 },
        { "empty dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/empty.jsonl"}}""", 1201 },
        { "binary dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/binary.jsonl"}}""", 1201 },
        { "CLEVR file without questions", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/clevr-bad.json"}}""", 1201 },
        { "unknown dataset format", """{"jsonrpc":"2.0","id":ID,"method":"dime/openDataset","params":{"path":"$folder/samples.jsonl","format":"xml"}}""", 1000 },
        { "unknown dataset id", """{"jsonrpc":"2.0","id":ID,"method":"dime/listSamples","params":{"datasetId":"ds-000000000000"}}""", 1200 },
        { "negative offset", """{"jsonrpc":"2.0","id":ID,"method":"dime/listSamples","params":{"datasetId":"$dataset","offset":-1}}""", 1000 },
        { "absurd limit", """{"jsonrpc":"2.0","id":ID,"method":"dime/listSamples","params":{"datasetId":"$dataset","limit":1000000000}}""", 1000 },
        { "findSample line is a string", """{"jsonrpc":"2.0","id":ID,"method":"dime/findSample","params":{"path":"$folder/samples.jsonl","line":"x"}}""", -32602 },
        { "findSample without line or id", """{"jsonrpc":"2.0","id":ID,"method":"dime/findSample","params":{"path":"$folder/samples.jsonl"}}""", 1000 },
        { "findSample negative column", """{"jsonrpc":"2.0","id":ID,"method":"dime/findSample","params":{"path":"$folder/samples.jsonl","line":1,"column":-4}}""", 1000 },
        { "findSample past the end", """{"jsonrpc":"2.0","id":ID,"method":"dime/findSample","params":{"path":"$folder/samples.jsonl","line":100000}}""", 1202 },
        { "findSample missing file", """{"jsonrpc":"2.0","id":ID,"method":"dime/findSample","params":{"path":"$folder/nope.jsonl","line":1}}""", 1200 },
        { "explain by path and index at once", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"path":"$folder/samples.jsonl","line":1,"datasetId":"$dataset","index":0}}}""", 1000 },

        // models
        { "no manifest path", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{}}""", 1000 },
        { "missing manifest", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/nope/manifest.json"}}""", 1100 },
        { "manifest not JSON", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/not-json-model/manifest.json"}}""", 1101 },
        { "graph is not ONNX", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/garbage-onnx/manifest.json"}}""", 1102 },
        { "manifest names a wrong input", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/wrong-input/manifest.json"}}""", 1103 },
        { "unknown tokenizer kind", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/bad-tokenizer/manifest.json"}}""", 1101 },
        { "labels do not match the output", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/few-labels/manifest.json"}}""", 1103 },
        { "graph file missing", """{"jsonrpc":"2.0","id":ID,"method":"dime/loadModel","params":{"manifestPath":"$folder/missing-graph/manifest.json"}}""", 1100 },
        { "unload unknown model", """{"jsonrpc":"2.0","id":ID,"method":"dime/unloadModel","params":{"modelId":"m-000000000000"}}""", 1104 },

        // samples and images
        { "unknown model", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"m-000000000000","sample":{"datasetId":"$dataset","index":0}}}""", 1104 },
        { "unknown dataset in sample", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"ds-000000000000","index":0}}}""", 1200 },
        { "index past the end", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":9999}}}""", 1202 },
        { "negative index", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":-1}}}""", 1202 },
        { "missing image", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":1}}}""", 1300 },
        { "corrupt image", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":2}}}""", 1301 },
        { "truncated image", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":3}}}""", 1301 },
        { "decompression bomb", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":4}}}""", 1302 },
        { "text file named .png", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":5}}}""", 1303 },
        { "empty image file", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":6}}}""", 1301 },
        { "path climbs out of the dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":7}}}""", 1203 },
        { "absolute path outside the dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":8}}}""", 1203 },
        { "symbolic link out of the dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":9}}}""", 1203 },
        { "blank question", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":10}}}""", 1400 },
        { "huge question", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":11}}}""", 1400 },
        { "image file that does not exist", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"imagePath":"$folder/images/ghost.png","question":"is there a red circle?"}}}""", 1300 },
        { "image file without a question", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"imagePath":"$folder/images/good.png"}}}""", 1400 },
        { "model that outputs NaN", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$nanModel","sample":{"datasetId":"$dataset","index":0}}}""", 1107 },
        { "absurd top", """{"jsonrpc":"2.0","id":ID,"method":"dime/predict","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"top":0}}""", 1000 },

        // explanation options
        { "zero image samples", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"imageSamples":0}}}""", 1000 },
        { "a billion text samples", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"textSamples":1000000000}}}""", 1000 },
        { "empty reference set", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"referenceSize":0}}}""", 1000 },
        { "unknown segmentation", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"segmentation":{"method":"magic"}}}}""", 1000 },
        { "absurd SLIC segments", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"segmentation":{"method":"slic","segments":1000000}}}}""", 1000 },
        { "unknown hide mode", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"hide":{"mode":"invisible"}}}}""", 1000 },
        { "hide colour out of range", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"hide":{"mode":"constant","color":[300,0,0]}}}}""", 1000 },
        { "unknown text mask", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"textMask":"scramble"}}}""", 1000 },
        { "unknown label name", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"labels":["unicorn"]}}}""", 1000 },
        { "label index out of range", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"labels":[99]}}}""", 1000 },
        { "labels is a number", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"labels":7}}}""", 1000 },
        { "no modalities", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"modalities":[]}}}""", 1000 },
        { "unknown modality", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"modalities":["audio"]}}}""", 1000 },
        { "unknown feature selection", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"featureSelection":{"image":"best"}}}}""", 1000 },
        { "negative seed", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"seed":-1}}}""", 1000 },
        { "too many stability runs", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"quality":{"stabilityRuns":50}}}}""", 1000 },
        { "no sample", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model"}}""", 1000 },
        { "dataset sample without index", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset"}}}""", 1000 },
        { "unknown reference dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$model","sample":{"datasetId":"$dataset","index":0},"options":{"referenceDatasetId":"ds-000000000000"}}}""", 1200 },
        { "image file with no reference dataset", """{"jsonrpc":"2.0","id":ID,"method":"dime/explain","params":{"modelId":"$nanModel","sample":{"imagePath":"$folder/images/good.png","question":"is there a red circle?"}}}""", 1000 },
        { "compare one model", """{"jsonrpc":"2.0","id":ID,"method":"dime/compare","params":{"modelIds":["$model"],"sample":{"datasetId":"$dataset","index":0}}}""", 1000 },
        { "dataset slice of one", """{"jsonrpc":"2.0","id":ID,"method":"dime/explainDataset","params":{"modelId":"$model","datasetId":"$dataset","count":1}}""", 1000 },
        { "dataset slice past the end", """{"jsonrpc":"2.0","id":ID,"method":"dime/explainDataset","params":{"modelId":"$model","datasetId":"$dataset","offset":500}}""", 1000 },

        // results
        { "unknown result", """{"jsonrpc":"2.0","id":ID,"method":"dime/export","params":{"resultId":"0123456789abcdef0123456789abcdef","folder":"$folder/out"}}""", 1500 },
        { "result id that is a path", """{"jsonrpc":"2.0","id":ID,"method":"dime/export","params":{"resultId":"../../../etc","folder":"$folder/out"}}""", 1500 },
        { "export into an unwritable place", """{"jsonrpc":"2.0","id":ID,"method":"dime/export","params":{"resultId":"$result","folder":"/proc/dime-cannot-write-here"}}""", 1501 },
    };

    /// <summary>Both halves of the corpus: the first 76 cases above and <see cref="MalformedCorpusMoreCases"/>.</summary>
    public static TheoryData<string, string, int> AllCases()
    {
        var all = new TheoryData<string, string, int>();
        foreach (var row in Cases())
        {
            all.Add((string)row[0], (string)row[1], (int)row[2]);
        }

        foreach (var (name, body, code) in MalformedCorpusMoreCases.All())
        {
            all.Add(name, body, code);
        }

        return all;
    }

    /// <summary>Code 0: answered with a result; anything else: that error code, with a plain bounded message.</summary>
    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task Each_bad_input_gets_its_typed_error_and_the_daemon_keeps_serving(string name, string body, int expectedCode)
    {
        var reply = await fixture.SendCaseAsync(body, TimeSpan.FromSeconds(60));
        Assert.True(reply.GetRawText().Length < 8_000 || expectedCode == 0, $"{name}: a reply of {reply.GetRawText().Length} characters");
        if (expectedCode == 0)
        {
            Assert.True(reply.TryGetProperty("result", out _), $"{name}: expected a result, got {Shorten(reply)}");
        }
        else
        {
            Assert.True(reply.TryGetProperty("error", out var error), $"{name}: expected error {expectedCode}, got {Shorten(reply)}");
            Assert.True(expectedCode == error.GetProperty("code").GetInt32(), $"{name}: expected error {expectedCode}, got {Shorten(error)}");
            var message = error.GetProperty("message").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(message));
            Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
            Assert.True(message.Length <= Hosting.DimeJsonRpc.MaxErrorMessageLength, $"{name}: a message of {message.Length} characters");
            if (expectedCode >= 1000)
            {
                Assert.Equal(Enum.GetName(typeof(Dime.Daemon.Protocol.ErrorCode), expectedCode), error.GetProperty("data").GetProperty("name").GetString());
            }
        }

        var statusId = fixture.NextId();
        await fixture.Client.SendAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id = statusId, method = "dime/status", @params = new { } }));
        var status = await fixture.Client.ReplyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(statusId, status.GetProperty("id").GetInt32());
        Assert.True(status.GetProperty("result").GetProperty("models").GetArrayLength() >= 2);
    }

    [Fact]
    public void The_corpus_has_at_least_150_cases() => Assert.True(AllCases().Count >= 150, $"{AllCases().Count} cases");

    /// <summary>The figures of issue 14's "Show": every case sent once more, its outcome counted.</summary>
    [Fact]
    public async Task Outcomes_are_typed_or_answered_never_crashed_or_hung()
    {
        int typed = 0, answered = 0, untyped = 0, crashed = 0, hung = 0;
        foreach (var row in AllCases())
        {
            if (fixture.Served.IsCompleted)
            {
                crashed++;
                break;
            }

            JsonElement reply;
            try
            {
                reply = await fixture.SendCaseAsync((string)row[1], TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                hung++;
                break;
            }

            if (reply.TryGetProperty("result", out _))
            {
                answered++;
            }
            else if (reply.GetProperty("error").GetProperty("code").GetInt32() is >= 1000 or -32700 or -32600 or -32601 or -32602 or -32800)
            {
                typed++;
            }
            else
            {
                untyped++;
            }
        }

        output.WriteLine($"corpus: {AllCases().Count} cases: {typed} typed, {answered} answered, {untyped} untyped (-32603), {crashed} crashed, {hung} hung");
        Assert.Equal(AllCases().Count, typed + answered);
    }

    private static string Shorten(JsonElement element) => element.GetRawText() is var text && text.Length > 600 ? text[..600] + "…" : text;
}
