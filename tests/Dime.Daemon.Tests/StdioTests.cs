using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Tests;

/// <summary>The real daemon process over real stdio.</summary>
public sealed class StdioTests
{
    [Fact]
    public async Task Lifecycle_over_stdio_ends_with_exit_code_0()
    {
        await using var daemon = DaemonProcess.Start();
        var init = await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "stdio-test" } });
        Assert.Equal("Dime.Daemon", init.GetProperty("serverInfo").GetProperty("name").GetString());
        await daemon.Client.InvokeAsync<object?>(ProtocolNames.Shutdown);
        await daemon.Client.NotifyAsync(ProtocolNames.Exit);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("initialized by stdio-test", await daemon.StandardErrorAsync, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_stdin_makes_the_daemon_exit()
    {
        await using var daemon = DaemonProcess.Start();
        await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { });
        daemon.Process.StandardInput.Close();
        var code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, code); // disconnected without shutdown
    }

    [Fact]
    public async Task The_daemon_exits_when_its_parent_process_dies()
    {
        using var parent = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        await using var daemon = DaemonProcess.Start("--parent-pid", parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { });
        parent.Kill();
        await parent.WaitForExitAsync();
        await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("parent process", await daemon.StandardErrorAsync, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdout_carries_only_protocol_frames_even_when_requests_fail()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { DaemonProcess.DaemonDll, "serve", "--stdio", "--log-level", "trace" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var input = process.StandardInput.BaseStream;
        void Send(string body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            input.Write(Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\r\n\r\n"));
            input.Write(bytes);
            input.Flush();
        }

        var output = process.StandardOutput.BaseStream;
        var received = new List<byte>();
        async Task WaitForFrames(int count)
        {
            var buffer = new byte[4096];
            while (ParseFrames(System.Text.Encoding.UTF8.GetString([.. received]), partial: true).Count < count)
            {
                var read = await output.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
                Assert.True(read > 0, "stdout closed early");
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }

        Send("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""");
        await WaitForFrames(1);
        Send("""{"jsonrpc":"2.0","id":2,"method":"dime/openDataset","params":{"path":"/nonexistent/x.jsonl"}}""");
        Send("""{"jsonrpc":"2.0","id":3,"method":"dime/open""");
        Send("""{"jsonrpc":"2.0","id":4,"method":"shutdown"}""");
        await WaitForFrames(4);
        Send("""{"jsonrpc":"2.0","method":"exit"}""");
        received.AddRange(System.Text.Encoding.UTF8.GetBytes(await process.StandardOutput.ReadToEndAsync()));
        var stdout = System.Text.Encoding.UTF8.GetString([.. received]);
        await process.WaitForExitAsync();

        var frames = ParseFrames(stdout);
        Assert.Equal(4, frames.Count);
        Assert.Equal(1200, frames.Single(f => f.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 2).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32700, frames.Single(f => f.GetProperty("id").ValueKind == JsonValueKind.Null).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("[debug]", await stderr, StringComparison.Ordinal);
    }

    /// <summary>Splits stdout into frames, failing on any byte that is not part of one.</summary>
    private static List<JsonElement> ParseFrames(string stdout, bool partial = false)
    {
        var frames = new List<JsonElement>();
        var rest = stdout;
        while (rest.Length > 0)
        {
            Assert.StartsWith("Content-Length: ", rest, StringComparison.Ordinal);
            var headerEnd = rest.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (partial && headerEnd < 0)
            {
                break;
            }

            var length = int.Parse(rest["Content-Length: ".Length..headerEnd], System.Globalization.CultureInfo.InvariantCulture);
            if (partial && rest.Length < headerEnd + 4 + length)
            {
                break;
            }

            var body = rest.Substring(headerEnd + 4, length);
            frames.Add(JsonDocument.Parse(body).RootElement.Clone());
            rest = rest[(headerEnd + 4 + length)..];
        }

        return frames;
    }
}
