using Dime.Daemon.Protocol;
using Dime.Daemon.Requests;
using StreamJsonRpc;

namespace Dime.Daemon.Hosting;

/// <summary>Serves the protocol on a pair of streams until the client says exit, the streams close, or the parent dies.</summary>
internal static class DaemonServer
{
    public static async Task<int> RunAsync(Daemon daemon, Stream input, Stream output, CancellationToken cancellationToken)
    {
        var session = new Session();
        var handler = new TolerantMessageHandler(output, input, DimeJsonRpc.CreateFormatter(), daemon.Log);
        using var rpc = new DimeJsonRpc(handler, session, daemon.Log);
        var options = new JsonRpcTargetOptions { DisposeOnDisconnect = false };
        foreach (var target in Handlers(daemon, session, rpc))
        {
            rpc.AddLocalRpcTarget(target, options);
        }

        rpc.StartListening();
        daemon.Log.Info($"listening on stdio (Dime.Daemon {Versions.Current.Daemon}, {Versions.Current.Dotnet})");
        var disconnected = rpc.Completion.ContinueWith(t => t.Exception is { } e ? 1 : 0, TaskScheduler.Default);
        var finished = await Task.WhenAny(daemon.Exited, disconnected, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        var code = finished == daemon.Exited ? await daemon.Exited.ConfigureAwait(false) : finished == disconnected ? ExitCodeOnDisconnect(session) : 0;
        daemon.Log.Info(finished == disconnected ? "the client disconnected; exiting" : $"exiting with code {code}");
        return code;
    }

    private static int ExitCodeOnDisconnect(Session session) => session.IsShutDown ? 0 : 1;

    private static IEnumerable<object> Handlers(Daemon daemon, Session session, JsonRpc rpc)
    {
        yield return new LifecycleHandler(daemon, session);
        yield return new StatusHandler(daemon);
        yield return new LoadModelHandler(daemon);
        yield return new UnloadModelHandler(daemon);
        yield return new OpenDatasetHandler(daemon);
        yield return new ListSamplesHandler(daemon);
        yield return new PredictHandler(daemon);
        yield return new TokenizeHandler(daemon);
        yield return new ExplainHandler(daemon, rpc);
        yield return new ExplainDatasetHandler(daemon, rpc);
        yield return new CompareHandler(daemon, rpc);
        yield return new ExportHandler(daemon);
        yield return new ReproduceHandler(daemon, rpc);
    }
}
