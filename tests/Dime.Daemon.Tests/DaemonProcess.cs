using System.Diagnostics;
using Dime.Daemon.Hosting;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>The built daemon as a real child process, spoken to over its real stdin/stdout.</summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private readonly bool _keepCache;

    private DaemonProcess(Process process, string cacheFolder, bool keepCache = false)
    {
        _keepCache = keepCache;
        _process = process;
        CacheFolder = cacheFolder;
        _stderr = process.StandardError.ReadToEndAsync();
        Client = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, DimeJsonRpc.CreateFormatter()));
        Client.AddLocalRpcMethod(ProtocolNames.Progress, new Action<System.Text.Json.JsonElement, System.Text.Json.JsonElement>((token, value) => ProgressReceived?.Invoke(token, value)));
        Client.StartListening();
    }

    /// <summary>Raised for every $/progress notification: (token, value).</summary>
    public event Action<System.Text.Json.JsonElement, System.Text.Json.JsonElement>? ProgressReceived;

    public JsonRpc Client { get; }

    public string CacheFolder { get; }

    public Process Process => _process;

    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "Dime.Daemon.dll");

    public static DaemonProcess Start(params string[] extraArguments) =>
        Start(Path.Combine(Path.GetTempPath(), "dime-tests", Guid.NewGuid().ToString("N")), keepCache: false, extraArguments);

    /// <summary>A daemon on a given cache folder, which it leaves in place when disposed (when <paramref name="keepCache"/>).</summary>
    public static DaemonProcess Start(string cache, bool keepCache, params string[] extraArguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { DaemonDll, "serve", "--stdio", "--cache", cache, "--log-level", "debug" }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        return new DaemonProcess(Process.Start(start)!, cache, keepCache);
    }

    public Task<T> Call<T>(string method, object? parameters = null, CancellationToken cancellationToken = default) =>
        Client.InvokeWithParameterObjectAsync<T>(method, parameters ?? new { }, cancellationToken);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public Task<string> StandardErrorAsync => _stderr;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_keepCache)
        {
            return;
        }

        try
        {
            Directory.Delete(CacheFolder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
