namespace Dime.Daemon.Protocol;

internal sealed record CacheInfo(string Folder, int Entries, long Bytes);

internal sealed record StatusResult(string State, int Running, Versions Versions, DeviceInfoDto Device, IReadOnlyList<ModelInfo> Models, IReadOnlyList<DatasetInfo> Datasets, CacheInfo Cache);
