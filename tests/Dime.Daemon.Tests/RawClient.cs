using System.Text;
using System.Text.Json;

namespace Dime.Daemon.Tests;

/// <summary>Writes frames byte for byte and reads the replies: what a client that gets the protocol wrong would do.</summary>
internal sealed class RawClient(Stream stream)
{
    private readonly List<byte> _buffer = [];

    public async Task SendAsync(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\r\n\r\n"));
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Writes bytes as they are: a frame with odd headers, a broken frame, half a frame.</summary>
    public async Task SendRawAsync(string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await stream.FlushAsync();
    }

    /// <summary>The next reply that is not a notification.</summary>
    public async Task<JsonElement> ReplyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var frame = await FrameAsync(cts.Token);
            if (!frame.TryGetProperty("method", out _))
            {
                return frame;
            }
        }
    }

    private async Task<JsonElement> FrameAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. _buffer]);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd >= 0)
            {
                var length = int.Parse(text["Content-Length: ".Length..headerEnd], System.Globalization.CultureInfo.InvariantCulture);
                if (_buffer.Count >= headerEnd + 4 + length)
                {
                    var body = _buffer.GetRange(headerEnd + 4, length).ToArray();
                    _buffer.RemoveRange(0, headerEnd + 4 + length);
                    return JsonDocument.Parse(body).RootElement.Clone();
                }
            }

            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("The daemon closed the stream.");
            }

            _buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }
}
