using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>A daemon served over an in-memory duplex stream, with a StreamJsonRpc client speaking the real protocol.</summary>
internal sealed class InProcessDaemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private InProcessDaemon(string cacheFolder)
    {
        CacheFolder = cacheFolder;
        var (serverStream, clientStream) = FullDuplexStream.CreatePair();
        Daemon = new Daemon(new DaemonOptions(cacheFolder, "cpu", LogLevel.Warning), new Log(LogLevel.Warning, TextWriter.Null));
        Served = Task.Run(() => DaemonServer.RunAsync(Daemon, serverStream, serverStream, _stop.Token));
        Client = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, DimeJsonRpc.CreateFormatter()));
        Client.AddLocalRpcMethod(ProtocolNames.Progress, new Action<System.Text.Json.JsonElement, System.Text.Json.JsonElement>((token, value) => ProgressReceived?.Invoke(token, value)));
        Client.StartListening();
    }

    /// <summary>Raised for every $/progress notification: (token, value).</summary>
    public event Action<System.Text.Json.JsonElement, System.Text.Json.JsonElement>? ProgressReceived;

    public Daemon Daemon { get; }

    public JsonRpc Client { get; }

    public Task<int> Served { get; }

    public string CacheFolder { get; }

    public static async Task<InProcessDaemon> StartAsync(bool initialize = true)
    {
        var folder = Path.Combine(Path.GetTempPath(), "dime-tests", Guid.NewGuid().ToString("N"));
        var daemon = new InProcessDaemon(folder);
        if (initialize)
        {
            await daemon.Client.InvokeWithParameterObjectAsync<object>(ProtocolNames.Initialize, new { clientInfo = new { name = "tests" }, cacheFolder = folder, device = "cpu" });
        }

        return daemon;
    }

    public Task<T> Call<T>(string method, object? parameters = null, CancellationToken cancellationToken = default) =>
        Client.InvokeWithParameterObjectAsync<T>(method, parameters ?? new { }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _stop.CancelAsync();
        await Served.WaitAsync(TimeSpan.FromSeconds(10));
        Daemon.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(CacheFolder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
