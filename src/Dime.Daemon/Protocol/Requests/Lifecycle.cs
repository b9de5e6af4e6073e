using Dime.Daemon.Hosting;

namespace Dime.Daemon.Protocol;

internal sealed record ClientInfo(string Name, string? Version);

internal sealed record InitializeParams(ClientInfo? ClientInfo, int? ProcessId, string? CacheFolder, string? Device);

internal sealed record ServerInfo(string Name, string Version);

internal sealed record Capabilities(IReadOnlyList<string> Methods, IReadOnlyList<string> Segmentations, IReadOnlyList<string> HideModes, IReadOnlyList<string> TextMasks);

internal sealed record InitializeResult(ServerInfo ServerInfo, int ProtocolVersion, Capabilities Capabilities, Versions Versions, DeviceInfoDto Device);
