using System.Diagnostics;
using Dime.Daemon.Handlers;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Hosting;

/// <summary>
/// Serves the protocol on a pair of streams until the client says exit, the streams close, the parent dies, or
/// <c>cancellationToken</c> fires (SIGTERM/SIGINT): then every request in flight is cancelled and answered with
/// -32800, and the daemon exits with code 0 within <see cref="DrainTimeout"/>.
/// </summary>
internal static class DaemonServer
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromMilliseconds(800);

    public static async Task<int> RunAsync(Daemon daemon, Stream input, Stream output, CancellationToken cancellationToken)
    {
        var session = new Session();
        using var stopping = new CancellationTokenSource();
        var handler = new LspFraming(output, input, DimeJsonRpc.CreateFormatter(), daemon.Log);
        using var rpc = new DimeJsonRpc(handler, session, daemon.Log, stopping.Token);

        // Every message is handled on the thread pool, so no request (a slow read, a long decode) holds up the
        // next one: status and $/cancelRequest are answered while anything else runs. Clients wait for
        // initialize's reply before sending more (LSP), so the order that matters is kept.
        rpc.SynchronizationContext = null;
        var options = new JsonRpcTargetOptions { DisposeOnDisconnect = false };
        foreach (var target in Handlers(daemon, session, rpc))
        {
            rpc.AddLocalRpcTarget(target, options);
        }

        rpc.StartListening();
        daemon.Log.Info($"listening on stdio (Dime.Daemon {Versions.Current.Daemon}, {Versions.Current.Dotnet})");
        var disconnected = rpc.Completion.ContinueWith(t => t.Exception is { } e ? 1 : 0, TaskScheduler.Default);
        var finished = await Task.WhenAny(daemon.Exited, disconnected, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        if (finished != daemon.Exited && finished != disconnected)
        {
            await DrainAsync(rpc, handler, stopping, daemon.Log).ConfigureAwait(false);
            daemon.Log.Info("terminated by a signal; exiting with code 0");
            return 0;
        }

        var code = finished == daemon.Exited ? await daemon.Exited.ConfigureAwait(false) : ExitCodeOnDisconnect(session);
        daemon.Log.Info(finished == disconnected ? "the client disconnected; exiting" : $"exiting with code {code}");
        return code;
    }

    /// <summary>Cancels what runs and waits (boundedly) until each of those requests has had its reply written.</summary>
    private static async Task DrainAsync(DimeJsonRpc rpc, LspFraming handler, CancellationTokenSource stopping, Log log)
    {
        var running = rpc.InFlight;
        log.Info($"terminating: cancelling {running} request(s) in flight");
        await stopping.CancelAsync().ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < DrainTimeout && (rpc.InFlight > 0 || handler.ResponsesWritten < rpc.Answered))
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        if (rpc.InFlight > 0)
        {
            log.Warning($"{rpc.InFlight} request(s) did not stop within {DrainTimeout.TotalMilliseconds:0} ms");
        }
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
        yield return new FindSampleHandler(daemon);
        yield return new PredictHandler(daemon);
        yield return new TokenizeHandler(daemon);
        yield return new ExplainHandler(daemon, rpc);
        yield return new ExplainDatasetHandler(daemon, rpc);
        yield return new CompareHandler(daemon, rpc);
        yield return new ExportHandler(daemon);
        yield return new ReproduceHandler(daemon, rpc);
    }
}
