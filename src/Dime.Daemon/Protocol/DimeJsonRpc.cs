using System.Reflection;
using System.Text.Json;
using Dime.Daemon.Hosting;
using Dime.Engine.Errors;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Dime.Daemon.Protocol;

/// <summary>
/// StreamJsonRpc with the daemon's rules: no request but initialize before initialize, none after shutdown,
/// and every failure shaped as a stable code and a plain message, never a .NET stack trace.
/// </summary>
internal sealed class DimeJsonRpc(IJsonRpcMessageHandler handler, Session session, Log log) : JsonRpc(handler)
{
    public static SystemTextJsonFormatter CreateFormatter()
    {
        var formatter = new SystemTextJsonFormatter();
        Json.Configure(formatter.JsonSerializerOptions);
        return formatter;
    }

    protected override ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        var method = request.Method ?? string.Empty;
        log.Debug($"<- {method} {(request.IsNotification ? "(notification)" : $"#{request.RequestId}")}");
        var refusal = session.Refusal(method);
        if (refusal is not null)
        {
            return ValueTask.FromResult<JsonRpcMessage>(new JsonRpcError
            {
                RequestId = request.RequestId,
                Error = Detail(refusal),
            });
        }

        return base.DispatchRequestAsync(request, targetMethod, cancellationToken);
    }

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var error = Unwrap(exception);
        switch (error)
        {
            case DimeException dime:
                log.Info($"{request.Method} failed: {dime.Code}: {dime.Message}");
                return Detail(dime);
            case OperationCanceledException:
                return new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.RequestCanceled, Message = "The request was cancelled." };
            case JsonException or FormatException or InvalidCastException:
                log.Info($"{request.Method}: invalid parameters: {error.Message}");
                return new JsonRpcError.ErrorDetail
                {
                    Code = JsonRpcErrorCode.InvalidParams,
                    Message = "Invalid parameters: " + error.Message,
                    Data = new ErrorData("InvalidParams", null),
                };
            default:
                log.Error($"{request.Method} failed unexpectedly: {error}");
                return new JsonRpcError.ErrorDetail
                {
                    Code = JsonRpcErrorCode.InternalError,
                    Message = $"The daemon failed while handling {request.Method}: {error.Message}",
                    Data = new ErrorData("InternalError", null),
                };
        }
    }

    protected override Type? GetErrorDetailsDataType(JsonRpcError error) => typeof(ErrorData);

    private static JsonRpcError.ErrorDetail Detail(DimeException error) => new()
    {
        Code = (JsonRpcErrorCode)(int)error.Code,
        Message = error.Message,
        Data = new ErrorData(error.Code.ToString(), error.Subject),
    };

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

/// <summary>The data of every error reply: the code's name and what it concerns.</summary>
internal sealed record ErrorData(string Name, string? Subject);
