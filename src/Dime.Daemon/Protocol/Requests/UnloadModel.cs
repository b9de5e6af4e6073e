
namespace Dime.Daemon.Protocol;

internal sealed record UnloadModelParams(string ModelId);

/// <summary>An empty object: the model is gone.</summary>
internal sealed record UnloadModelResult;
