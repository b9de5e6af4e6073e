using Dime.Daemon.Hosting;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Dime.Daemon.Protocol;

/// <summary>
/// LSP framing that survives a malformed message: a body that is not JSON, or not a JSON-RPC message,
/// is answered with a parse error (id null, as JSON-RPC prescribes) and the next message is read.
/// Broken headers still end the connection, since the stream can no longer be framed.
/// </summary>
internal sealed class TolerantMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter, Log log)
    : HeaderDelimitedMessageHandler(output, input, formatter)
{
    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (OperationCanceledException or ObjectDisposedException or BadRpcHeaderException or EndOfStreamException or IOException))
            {
                log.Warning($"malformed message answered with a parse error: {e.GetType().Name}: {e.Message}");
                var error = new JsonRpcError
                {
                    RequestId = RequestId.Null,
                    Error = new JsonRpcError.ErrorDetail
                    {
                        Code = JsonRpcErrorCode.ParseError,
                        Message = "The message is not valid JSON-RPC: " + e.Message,
                        Data = new ErrorData("ParseError", null),
                    },
                };
                await WriteAsync(error, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
