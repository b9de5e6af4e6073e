using System.Diagnostics;
using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>
/// Sends a request's progress as LSP-style `$/progress` notifications {token, value}, at most every 50 ms
/// (phase changes, partial results and completion always go out), in the order they were reported.
/// </summary>
internal sealed class ProgressNotifier(JsonRpc rpc, JsonElement token) : IProgress<ProgressValue>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly Lock _gate = new();
    private long _last;
    private string? _phase;
    private Task _sending = Task.CompletedTask;

    public static IProgress<ProgressValue>? For(JsonRpc rpc, JsonElement? token) =>
        token is { ValueKind: JsonValueKind.String or JsonValueKind.Number } t ? new ProgressNotifier(rpc, t.Clone()) : null;

    public void Report(ProgressValue value)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var changed = value.Phase != _phase || value.Fraction >= 1 || value.Partial is not null;
            if (!changed && Stopwatch.GetElapsedTime(_last, now) < Interval)
            {
                return;
            }

            _last = now;
            _phase = value.Phase;
            var message = new { token, value = value with { Fraction = Math.Round(value.Fraction, 4) } };
            _sending = _sending.ContinueWith(_ => rpc.NotifyWithParameterObjectAsync(ProtocolNames.Progress, message), TaskScheduler.Default).Unwrap();
        }
    }
}
