
namespace Dime.Daemon.Protocol;

internal sealed record ClientInfo(string Name, string? Version);

internal sealed record InitializeParams(ClientInfo? ClientInfo, int? ProcessId, string? CacheFolder, [property: WireEnum(typeof(DeviceInfoDto), nameof(DeviceInfoDto.Requests))] string? Device);

internal sealed record ServerInfo(string Name, string Version);

/// <param name="Options">Every whole-number option's default and bounds, by its name in dime/explain's options ("quality.stabilityRuns" below quality), and explainDataset's "topSamples".</param>
internal sealed record Capabilities(
    IReadOnlyList<string> Methods, IReadOnlyList<string> Segmentations, IReadOnlyList<string> HideModes, IReadOnlyList<string> TextMasks, IReadOnlyDictionary<string, OptionLimit> Options);

internal sealed record InitializeResult(ServerInfo ServerInfo, int ProtocolVersion, Capabilities Capabilities, Versions Versions, DeviceInfoDto Device);
