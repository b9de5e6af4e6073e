using Dime.Daemon.Explaining;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>initialize, shutdown and exit: the LSP-style lifecycle.</summary>
internal sealed class LifecycleHandler(Session session, DaemonSettings settings, ResultStore results, ModelRegistry models, IProcessLifetime lifetime, Log log)
{
    [JsonRpcMethod(ProtocolNames.Initialize, UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(InitializeParams? parameters)
    {
        if (settings.Configure(parameters?.CacheFolder, parameters?.Device))
        {
            results.MoveTo(settings.CacheFolder);
        }

        if (parameters?.ProcessId is { } processId)
        {
            lifetime.WatchParent(processId);
        }

        session.MarkInitialized();
        log.Info($"initialized by {parameters?.ClientInfo?.Name ?? "an unnamed client"} {parameters?.ClientInfo?.Version}");
        return new InitializeResult(
            new ServerInfo("Dime.Daemon", Versions.Current.Daemon),
            ProtocolNames.ProtocolVersion,
            new Capabilities(ProtocolNames.Requests, ExplainOptionsDto.SegmentationMethods, ExplainOptionsDto.HideModes, ExplainOptionsDto.TextMasks),
            Versions.Current,
            DeviceInfoDto.OfModels(models, settings));
    }

    [JsonRpcMethod(ProtocolNames.Shutdown)]
    public object? Shutdown()
    {
        session.MarkShutDown();
        log.Info("shutdown requested");
        return null;
    }

    [JsonRpcMethod(ProtocolNames.Exit)]
    public void Exit() => lifetime.RequestExit(session.IsShutDown ? 0 : 1);
}
