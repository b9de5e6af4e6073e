using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>dime/tokenize and the unknown-word marks of explanations, through the real protocol on the demo model.</summary>
public sealed class TokenizeOverRpcTests
{
    [Fact]
    public async Task Tokenize_shows_the_ids_the_model_receives_and_the_unknown_words()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, _) = await ExplainOverRpcTests.OpenDemo(daemon);

        var result = await daemon.Call<JsonElement>(ProtocolNames.Tokenize, new { modelId = model, text = "What COLOR is the zebra?" });

        Assert.Equal("words", result.GetProperty("kind").GetString());
        Assert.Equal(16, result.GetProperty("maxLength").GetInt32());
        Assert.Equal(5, result.GetProperty("count").GetInt32());
        var tokens = result.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Equal(new[] { "what", "color", "is", "the", "<unk>", "<pad>" }, tokens[..6]);
        var ids = result.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        Assert.Equal(16, ids.Length);
        Assert.Equal(1, ids[4]);
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 0 }, result.GetProperty("attentionMask").EnumerateArray().Select(t => t.GetInt32()).Take(6));
        Assert.Equal(new[] { "zebra" }, result.GetProperty("unknownWords").EnumerateArray().Select(t => t.GetString()));
        var zebra = result.GetProperty("words")[4];
        Assert.True(zebra.GetProperty("unknown").GetBoolean());
        Assert.Equal("<unk>", zebra.GetProperty("tokens")[0].GetString());
        Assert.False(result.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Tokenize_without_text_is_an_invalid_argument_and_the_daemon_stays_up()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, _) = await ExplainOverRpcTests.OpenDemo(daemon);

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Tokenize, new { modelId = model }));
        var unknownModel = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.Tokenize, new { modelId = "nope", text = "a" }));
        var fine = await daemon.Call<JsonElement>(ProtocolNames.Tokenize, new { modelId = model, text = string.Empty });

        Assert.Equal(1000, error.ErrorCode);
        Assert.Equal(1104, unknownModel.ErrorCode);
        Assert.Equal(0, fine.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Explanations_mark_the_words_the_model_saw_as_unknown()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var (model, _) = await ExplainOverRpcTests.OpenDemo(daemon);
        var image = Path.Combine(Path.GetDirectoryName(TestPaths.DemoDataset)!, "images", "0000.png");

        var result = await daemon.Call<JsonElement>(ProtocolNames.Explain, new
        {
            modelId = model,
            sample = new { imagePath = image, question = "what zebra color is the square?" },
            options = new { modalities = new[] { "text" }, textSamples = 40, referenceSize = 8, seed = 1 },
        });

        var marked = result.GetProperty("text").GetProperty("tokens").EnumerateArray()
            .Where(t => t.TryGetProperty("unknown", out var u) && u.GetBoolean())
            .Select(t => t.GetProperty("text").GetString())
            .ToArray();
        Assert.Equal(new[] { "zebra" }, marked);
    }
}
