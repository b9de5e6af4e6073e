using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Inference.Files;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>Re-runs a result from its provenance and compares every number (docs/protocol.md, "Reproducing a result").</summary>
internal sealed class ReproduceHandler(Daemon daemon, JsonRpc rpc)
{
    public const long MaxResultBytes = 256L * 1024 * 1024;

    [JsonRpcMethod(ProtocolNames.Reproduce, UseSingleObjectParameterDeserialization = true)]
    public async Task<ReproduceResult> ReproduceAsync(ReproduceParams parameters, CancellationToken cancellationToken)
    {
        Validate.NotNull(parameters, "params");
        var stored = parameters switch
        {
            { ResultId: { Length: > 0 } id } => daemon.Results.Load(id),
            { Path: { Length: > 0 } path } => ReadResult(path),
            _ => throw new DaemonException(ErrorCode.InvalidArgument, "Give 'resultId' (a result of the cache) or 'path' (a result.json file).", "resultId"),
        };
        using var running = daemon.Running();
        return await new Reproducer(daemon).ReproduceAsync(stored, ProgressNotifier.For(rpc, parameters.ProgressToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A result.json written by `explain`, dime/export or the cache (a folder holding one will do).</summary>
    public static ExplanationResult ReadResult(string path)
    {
        var file = System.IO.Path.GetFullPath(Directory.Exists(path) ? System.IO.Path.Combine(path, ResultStore.ResultFile) : path);
        if (!File.Exists(file))
        {
            throw new DaemonException(ErrorCode.ResultNotFound, $"The result file '{path}' does not exist.", path);
        }

        if (new FileInfo(file).Length > MaxResultBytes)
        {
            throw new DaemonException(ErrorCode.ProvenanceMissing, $"'{path}' is larger than any DIME result ({MaxResultBytes / (1024 * 1024)} MiB).", path);
        }

        try
        {
            return JsonSerializer.Deserialize<ExplanationResult>(SafeFiles.ReadAllBytes(file, FileKind.CacheEntry), Protocol.Json.Options)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DaemonException(ErrorCode.ProvenanceMissing, $"'{path}' is not a DIME explanation result: {e.Message}", path);
        }
    }
}
