namespace Dime.Daemon.Protocol;

internal sealed record LoadModelParams(string ManifestPath);
