using Dime.Daemon.Hosting;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>initialize, shutdown and exit: the LSP-style lifecycle.</summary>
internal sealed class LifecycleHandler(Daemon daemon, Session session)
{
    [JsonRpcMethod(ProtocolNames.Initialize, UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(InitializeParams? parameters)
    {
        daemon.Configure(parameters?.CacheFolder, parameters?.Device, parameters?.ProcessId);
        session.MarkInitialized();
        daemon.Log.Info($"initialized by {parameters?.ClientInfo?.Name ?? "an unnamed client"} {parameters?.ClientInfo?.Version}");
        return new InitializeResult(
            new ServerInfo("Dime.Daemon", Versions.Current.Daemon),
            ProtocolNames.ProtocolVersion,
            new Capabilities(ProtocolNames.Requests, ExplainOptionsDto.SegmentationMethods, ExplainOptionsDto.HideModes, ExplainOptionsDto.TextMasks),
            Versions.Current,
            daemon.Device);
    }

    [JsonRpcMethod(ProtocolNames.Shutdown)]
    public object? Shutdown()
    {
        session.MarkShutDown();
        daemon.Log.Info("shutdown requested");
        return null;
    }

    [JsonRpcMethod(ProtocolNames.Exit)]
    public void Exit() => daemon.RequestExit(session.IsShutDown ? 0 : 1);
}
