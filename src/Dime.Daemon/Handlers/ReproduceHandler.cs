using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>Re-runs a result from its provenance and compares every number (docs/protocol.md, "Reproducing a result").</summary>
internal sealed class ReproduceHandler(ResultStore results, Reproducer reproducer, RunningRequests running, JsonRpc rpc)
{
    [JsonRpcMethod(ProtocolNames.Reproduce, UseSingleObjectParameterDeserialization = true)]
    public async Task<ReproduceResult> ReproduceAsync(ReproduceParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        var stored = parameters switch
        {
            { ResultId: { Length: > 0 } id } => results.Load(id),
            { Path: { Length: > 0 } path } => Reproducer.ReadResult(path),
            _ => throw new DaemonException(ErrorCode.InvalidArgument, "Give 'resultId' (a result of the cache) or 'path' (a result.json file).", "resultId"),
        };
        using var scope = running.Enter();
        return await reproducer.ReproduceAsync(stored, ProgressNotifier.For(rpc, parameters.ProgressToken), cancellationToken).ConfigureAwait(false);
    }
}
