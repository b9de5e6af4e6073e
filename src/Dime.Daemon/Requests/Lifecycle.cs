using Dime.Daemon.Hosting;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record ClientInfo(string Name, string? Version);

internal sealed record InitializeParams(ClientInfo? ClientInfo, int? ProcessId, string? CacheFolder, [property: WireEnum(typeof(DeviceInfo), nameof(DeviceInfo.Requests))] string? Device);

internal sealed record ServerInfo(string Name, string Version);

/// <param name="Options">Every whole-number option's default and bounds, by its name in dime/explain's options ("quality.stabilityRuns" below quality), and explainDataset's "topSamples".</param>
internal sealed record Capabilities(
    IReadOnlyList<string> Methods, IReadOnlyList<string> Segmentations, IReadOnlyList<string> HideModes, IReadOnlyList<string> TextMasks, IReadOnlyDictionary<string, OptionLimit> Options);

internal sealed record InitializeResult(ServerInfo ServerInfo, int ProtocolVersion, Capabilities Capabilities, Versions Versions, DeviceInfo Device);

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
            new Capabilities(ProtocolNames.Requests, ExplainOptionsDto.SegmentationMethods, ExplainOptionsDto.HideModes, ExplainOptionsDto.TextMasks, AnnouncedLimits),
            Versions.Current,
            daemon.Device);
    }

    /// <summary>The explain options' limits and explainDataset's topSamples.</summary>
    public static readonly IReadOnlyDictionary<string, OptionLimit> AnnouncedLimits =
        ExplainOptionsDto.Limits.Append(KeyValuePair.Create("topSamples", DatasetOptionsDto.TopSamplesLimit)).ToDictionary();

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
