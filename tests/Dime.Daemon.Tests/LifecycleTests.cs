using System.Text.Json;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Initialize_answers_versions_capabilities_and_device()
    {
        await using var daemon = await InProcessDaemon.StartAsync(initialize: false);
        var result = await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "tests", version = "1" } });
        Assert.Equal(ProtocolNames.ProtocolVersion, result.GetProperty("protocolVersion").GetInt32());
        var methods = result.GetProperty("capabilities").GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Equal(ProtocolNames.Requests, methods);
        Assert.Equal("1.31.0", result.GetProperty("versions").GetProperty("onnxRuntime").GetString());
        Assert.Contains(result.GetProperty("device").GetProperty("kind").GetString(), new[] { "cpu", "cuda" });
    }

    [Fact]
    public async Task Requests_before_initialize_are_refused_with_NotInitialized()
    {
        await using var daemon = await InProcessDaemon.StartAsync(initialize: false);
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = "x.jsonl" }));
        Assert.Equal((int)ErrorCode.NotInitialized, error.ErrorCode);
    }

    [Fact]
    public async Task After_shutdown_requests_fail_and_exit_ends_the_server_with_code_0()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        await daemon.Client.InvokeAsync<object?>(ProtocolNames.Shutdown);
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => daemon.Call<JsonElement>(ProtocolNames.OpenDataset, new { path = "x.jsonl" }));
        Assert.Equal((int)ErrorCode.ShuttingDown, error.ErrorCode);
        await daemon.Client.NotifyAsync(ProtocolNames.Exit);
        Assert.Equal(0, await daemon.Served.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Exit_without_shutdown_ends_with_code_1()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        await daemon.Client.NotifyAsync(ProtocolNames.Exit);
        Assert.Equal(1, await daemon.Served.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
