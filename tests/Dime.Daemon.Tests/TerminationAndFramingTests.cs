using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Nerdbank.Streams;
using StreamJsonRpc;
using Xunit.Abstractions;

namespace Dime.Daemon.Tests;

/// <summary>Tests that time a process: run alone, not beside the rest of the suite's CPU load.</summary>
[CollectionDefinition(nameof(Timed), DisableParallelization = true)]
public sealed class Timed;

/// <summary>Signals end the daemon cleanly, and the framing survives what real clients send (issue 14, item 7).</summary>
[Collection(nameof(Timed))]
public sealed class TerminationAndFramingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_answers_the_request_in_flight_with_minus_32800_and_exits_0_within_a_second(string signal)
    {
        await using var daemon = DaemonProcess.Start();
        await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "tests" }, device = "cpu" });
        var model = (await daemon.Call<JsonElement>(ProtocolNames.LoadModel, new { manifestPath = TestPaths.CleanManifest })).GetProperty("modelId").GetString();
        var dataset = (await daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = TestPaths.DemoDataset })).GetProperty("datasetId").GetString();
        var explain = daemon.Call<JsonElement>(ProtocolNames.Explain, new { modelId = model, sample = new { datasetId = dataset, index = 4 }, options = new { imageSamples = 20000, textSamples = 20000, referenceSize = 30 } });
        await Task.Delay(1500);
        Assert.False(explain.IsCompleted);

        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", [$"-{signal}", daemon.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        // StreamJsonRpc turns a -32800 reply into an OperationCanceledException; a lost connection would be a ConnectionLostException
        var error = await Assert.ThrowsAnyAsync<Exception>(() => explain.WaitAsync(TimeSpan.FromSeconds(5)));
        var code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(5));
        clock.Stop();
        output.WriteLine($"SIG{signal}: {error.GetType().Name}, exit code {code} after {clock.ElapsedMilliseconds} ms");
        Assert.True(error is OperationCanceledException || error is RemoteInvocationException { ErrorCode: -32800 }, error.ToString());
        var log = await daemon.StandardErrorAsync;
        Assert.True(log.Contains("cancelling 1 request(s) in flight", StringComparison.Ordinal), log[Math.Max(0, log.Length - 3000)..]);
        Assert.Equal(0, code);
        // the daemon gives its requests 800 ms (DaemonServer.DrainTimeout) and then exits; measured alone, 120-380 ms from the
        // signal to the exit; the bound here is generous because the process's exit competes with whatever else the machine runs
        Assert.True(clock.ElapsedMilliseconds < 2000, $"exit took {clock.ElapsedMilliseconds} ms");
    }

    public static TheoryData<string, string> OddButReadableFrames() => new()
    {
        { "lowercase header name", "content-length: {0}\r\n\r\n{1}" },
        { "uppercase header name", "CONTENT-LENGTH: {0}\r\n\r\n{1}" },
        { "header ended by \\n\\n", "Content-Length: {0}\n\n{1}" },
        { "content type after the length", "Content-Length: {0}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{1}" },
        { "content type first", "Content-Type: application/vscode-jsonrpc; charset=utf8\r\nContent-Length: {0}\r\n\r\n{1}" },
        { "spaces around the value", "Content-Length:    {0}   \r\n\r\n{1}" },
        { "blank lines between frames", "\r\n\r\nContent-Length: {0}\r\n\r\n{1}" },
    };

    [Theory]
    [MemberData(nameof(OddButReadableFrames))]
    public async Task Frames_with_odd_but_valid_headers_are_answered(string name, string frame)
    {
        await using var served = await RawDaemon.StartAsync();
        var body = """{"jsonrpc":"2.0","id":7,"method":"dime/status","params":{}}""";
        await served.Client.SendRawAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, Encoding.UTF8.GetByteCount(body), body));
        var reply = await served.Client.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.True(reply.TryGetProperty("result", out _), $"{name}: {reply}");
        Assert.Equal(7, reply.GetProperty("id").GetInt32());
    }

    public static TheoryData<string, string> BrokenButSkippableFrames() => new()
    {
        { "length not a number", "Content-Length: twelve\r\n\r\n" },
        { "negative length", "Content-Length: -5\r\n\r\n" },
        { "no length at all", "Content-Type: application/vscode-jsonrpc\r\n\r\n" },
        { "header line without a colon", "Content-Length 12\r\n\r\n" },
        { "charset other than UTF-8", "Content-Length: 2\r\nContent-Type: application/json; charset=utf-16\r\n\r\n{}" },
        { "a JSON array", "Content-Length: 2\r\n\r\n[]" },
        { "a JSON number", "Content-Length: 1\r\n\r\n7" },
        { "not JSON", "Content-Length: 5\r\n\r\nhello" },
        { "truncated JSON", "Content-Length: 10\r\n\r\n{\"jsonrpc\"" },
        { "JSON without jsonrpc fields", "Content-Length: 9\r\n\r\n{\"a\":[1]}" },
        { "deeply nested JSON", $"Content-Length: 400\r\n\r\n{new string('[', 200)}{new string(']', 200)}" },
    };

    [Theory]
    [MemberData(nameof(BrokenButSkippableFrames))]
    public async Task A_broken_frame_is_answered_with_a_parse_error_and_the_next_frame_is_read(string name, string frame)
    {
        await using var served = await RawDaemon.StartAsync();
        await served.Client.SendRawAsync(frame);
        var error = await served.Client.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.True(error.TryGetProperty("error", out var detail), $"{name}: {error}");
        Assert.True(detail.GetProperty("code").GetInt32() is -32700 or -32600, $"{name}: {detail}"); // parse error, or valid JSON that is no request
        Assert.True(detail.GetProperty("message").GetString()!.Length < 700);

        await served.Client.SendAsync("""{"jsonrpc":"2.0","id":8,"method":"dime/status","params":{}}""");
        var reply = await served.Client.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(8, reply.GetProperty("id").GetInt32());
        Assert.True(reply.TryGetProperty("result", out _), $"{name}: then {reply}");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":99,"result":{"ok":true}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"abc","error":{"code":-32601,"message":"no"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"result":null}""")]
    public async Task A_response_sent_by_the_client_is_ignored(string response)
    {
        await using var served = await RawDaemon.StartAsync();
        await served.Client.SendAsync(response);
        await served.Client.SendAsync("""{"jsonrpc":"2.0","id":9,"method":"dime/status","params":{}}""");
        var reply = await served.Client.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(9, reply.GetProperty("id").GetInt32());
        Assert.False(served.Served.IsCompleted);
    }

    [Fact]
    public async Task A_request_method_sent_as_a_notification_is_not_run()
    {
        await using var served = await RawDaemon.StartAsync();
        await served.Client.SendAsync($$$"""{"jsonrpc":"2.0","method":"dime/openDataset","params":{"path":"{{{TestPaths.DemoDataset}}}"}}""");
        await served.Client.SendAsync("""{"jsonrpc":"2.0","id":10,"method":"dime/status","params":{}}""");
        var reply = await served.Client.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(10, reply.GetProperty("id").GetInt32());
        Assert.Equal(0, reply.GetProperty("result").GetProperty("datasets").GetArrayLength());
    }

    [Fact]
    public async Task A_header_block_that_never_ends_is_logged_and_ends_the_connection()
    {
        await using var served = await RawDaemon.StartAsync();
        await served.Client.SendRawAsync("Content-Length: 5\r\n" + string.Concat(Enumerable.Repeat("X-Padding: yes\r\n", 700)));
        var code = await served.Served.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, code);
        Assert.Contains("cannot be framed", served.Log.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A daemon in process, spoken to byte for byte, with its log kept.</summary>
    private sealed class RawDaemon : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Daemon _daemon;
        private readonly string _cache = TestPaths.NewTempFolder("raw");

        private RawDaemon()
        {
            var (server, client) = FullDuplexStream.CreatePair();
            _daemon = new Daemon(new DaemonOptions(_cache, "cpu", LogLevel.Debug), new Log(LogLevel.Debug, TextWriter.Synchronized(Log)));
            Served = Task.Run(() => DaemonServer.RunAsync(_daemon, server, server, _stop.Token));
            Client = new RawClient(client);
        }

        public RawClient Client { get; }

        public Task<int> Served { get; }

        public StringWriter Log { get; } = new();

        public static async Task<RawDaemon> StartAsync()
        {
            var daemon = new RawDaemon();
            await daemon.Client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"device":"cpu"}}""");
            await daemon.Client.ReplyAsync(TimeSpan.FromSeconds(30));
            return daemon;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Served.WaitAsync(TimeSpan.FromSeconds(10));
            _daemon.Dispose();
            _stop.Dispose();
            Directory.Delete(_cache, recursive: true);
        }
    }
}
