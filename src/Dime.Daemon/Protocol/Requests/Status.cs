namespace Dime.Daemon.Protocol;

internal sealed record CacheInfo(string Folder, int Entries, long Bytes);

internal sealed record StatusResult([property: WireEnum("ready", "busy")] string State, int Running, Versions Versions, DeviceInfoDto Device, IReadOnlyList<ModelInfo> Models, IReadOnlyList<DatasetInfo> Datasets, CacheInfo Cache);
