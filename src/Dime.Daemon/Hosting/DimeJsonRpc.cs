using System.Reflection;
using System.Text.Json;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Dime.Daemon.Hosting;

/// <summary>
/// StreamJsonRpc with the daemon's rules: no request but initialize before initialize, none after shutdown,
/// every failure shaped as a stable code and a plain message (at most <see cref="MaxErrorMessageLength"/> characters),
/// never a .NET stack trace; a request method sent as a notification is not run (nobody could cancel it or see its
/// outcome); and every request is also cancelled by <paramref name="stopping"/> (SIGTERM/SIGINT), so it answers -32800.
/// </summary>
internal sealed class DimeJsonRpc(IJsonRpcMessageHandler handler, Session session, Log log, CancellationToken stopping = default) : JsonRpc(handler)
{
    public const int MaxErrorMessageLength = 600;

    private int _inFlight;
    private long _answered;

    /// <summary>Requests being handled now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests whose reply has been produced (it is written right after).</summary>
    public long Answered => Interlocked.Read(ref _answered);

    public static SystemTextJsonFormatter CreateFormatter()
    {
        var formatter = new SystemTextJsonFormatter();
        Json.Configure(formatter.JsonSerializerOptions);
        return formatter;
    }

    protected override async ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        var method = request.Method ?? string.Empty;
        log.Debug($"<- {method} {(request.IsNotification ? "(notification)" : $"#{request.RequestId}")}");
        var refusal = request.IsNotification && ProtocolNames.Requests.Contains(method)
            ? new DaemonException(ErrorCode.InvalidArgument, $"'{method}' is a request; sent as a notification it is not run.")
            : session.Refusal(method);
        if (refusal is not null)
        {
            if (request.IsNotification)
            {
                log.Warning(refusal.Message);
            }
            else
            {
                Interlocked.Increment(ref _answered);
            }

            return new JsonRpcError { RequestId = request.RequestId, Error = Detail(refusal) };
        }

        Interlocked.Increment(ref _inFlight);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            return await base.DispatchRequestAsync(request, targetMethod, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            if (!request.IsNotification)
            {
                Interlocked.Increment(ref _answered);
            }

            Interlocked.Decrement(ref _inFlight);
        }
    }

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var error = Unwrap(exception);
        if (ErrorCodes.Of(error) is { } typed)
        {
            log.Info($"{request.Method} failed: {typed.Code}: {typed.Message}");
            return Detail(typed);
        }

        switch (error)
        {
            case OperationCanceledException:
                return new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.RequestCanceled, Message = "The request was cancelled." };
            case JsonException or FormatException or InvalidCastException:
                log.Info($"{request.Method}: invalid parameters: {error.Message}");
                return new JsonRpcError.ErrorDetail
                {
                    Code = JsonRpcErrorCode.InvalidParams,
                    Message = Bounded("Invalid parameters: " + error.Message),
                    Data = new ErrorData("InvalidParams", null),
                };
            default:
                log.Error($"{request.Method} failed unexpectedly: {error}");
                return new JsonRpcError.ErrorDetail
                {
                    Code = JsonRpcErrorCode.InternalError,
                    Message = Bounded($"The daemon failed while handling {request.Method}: {error.Message}"),
                    Data = new ErrorData("InternalError", null),
                };
        }
    }

    protected override Type? GetErrorDetailsDataType(JsonRpcError error) => typeof(ErrorData);

    private static JsonRpcError.ErrorDetail Detail(DaemonException error) => Detail(ErrorCodes.Of(error)!);

    private static JsonRpcError.ErrorDetail Detail(TypedError error) => new()
    {
        Code = (JsonRpcErrorCode)(int)error.Code,
        Message = Bounded(error.Message),
        Data = new ErrorData(error.Code.ToString(), error.Subject is { Length: > 300 } s ? s[..200] + "…" + s[^80..] : error.Subject),
    };

    /// <summary>A reply never quotes more than a few hundred characters of any input (a 50 MB path stays out of it).</summary>
    private static string Bounded(string message) =>
        message.Length <= MaxErrorMessageLength ? message : message[..(MaxErrorMessageLength - 100)] + " … " + message[^80..];

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return exception;
            }
        }
    }
}
