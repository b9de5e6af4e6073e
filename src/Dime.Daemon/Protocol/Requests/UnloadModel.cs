
namespace Dime.Daemon.Protocol;

internal sealed record UnloadModelParams(string ModelId);
