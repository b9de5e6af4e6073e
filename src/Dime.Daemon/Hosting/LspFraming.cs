using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Dime.Daemon.Hosting;

/// <summary>
/// LSP framing (a header block, a blank line, then Content-Length bytes of JSON) read leniently and written strictly.
/// Header names are case-insensitive and a header block may end with "\r\n\r\n" or a bare "\n\n". A frame that can be
/// skipped is answered with a parse error (id null) and reading goes on with the next frame: a header block without
/// a usable Content-Length, a body that is not JSON or not a JSON-RPC message, a body over <see cref="MaxBodyBytes"/>
/// (its bytes are read and dropped). A header block longer than <see cref="MaxHeaderBytes"/>, or a stream that ends
/// inside a frame, cannot be resynchronised: it is logged and the connection ends (docs/protocol.md, "Framing").
/// Responses sent by the client are ignored: the daemon never asks the client anything.
/// </summary>
internal sealed class LspFraming(Stream output, Stream input, IJsonRpcMessageFormatter formatter, Log log) : MessageHandlerBase(formatter)
{
    public const int MaxHeaderBytes = 8 * 1024;
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly List<byte> _pending = [];
    private long _responsesWritten;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    /// <summary>How many replies to requests (results and errors with an id) have been written so far.</summary>
    public long ResponsesWritten => Interlocked.Read(ref _responsesWritten);

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var header = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                return null;
            }

            var (length, problem) = ParseHeader(header);
            if (problem is not null)
            {
                // a body whose length is known is skipped with its header; without one, the next header block is looked for
                if (length > 0 && !await SkipAsync(length, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                await AnswerParseErrorAsync(problem, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (length > MaxBodyBytes)
            {
                if (!await SkipAsync(length, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                await AnswerParseErrorAsync($"the message has {length} bytes; at most {MaxBodyBytes} are read", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var body = await ReadBodyAsync((int)length, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return null;
            }

            switch (Classify(body))
            {
                case BodyKind.Response:
                    log.Debug("ignored a response sent by the client (the daemon sends no requests)");
                    continue;
                case BodyKind.NotJsonRpc:
                    await AnswerParseErrorAsync("the body is not a JSON-RPC message object", cancellationToken).ConfigureAwait(false);
                    continue;
                case BodyKind.NoMethod:
                    await AnswerParseErrorAsync("the object is neither a request (no method name) nor a response", cancellationToken, JsonRpcErrorCode.InvalidRequest).ConfigureAwait(false);
                    continue;
            }

            try
            {
                return ((IJsonRpcMessageTextFormatter)Formatter).Deserialize(new ReadOnlySequence<byte>(body), Encoding.UTF8);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.Debug($"the formatter refused a message: {e.GetType().Name}: {e.Message}");
                await AnswerParseErrorAsync(e.Message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override ValueTask WriteCoreAsync(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        Formatter.Serialize(body, content);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {body.WrittenCount}\r\n\r\n"));
        var frame = new byte[header.Length + body.WrittenCount];
        header.CopyTo(frame, 0);
        body.WrittenSpan.CopyTo(frame.AsSpan(header.Length));
        return WriteFrameAsync(frame, content is IJsonRpcMessageWithId { RequestId.IsEmpty: false } and not JsonRpcRequest, cancellationToken);
    }

    protected override ValueTask FlushAsync(CancellationToken cancellationToken) => new(output.FlushAsync(cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
            output.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask WriteFrameAsync(byte[] frame, bool isResponse, CancellationToken cancellationToken)
    {
        await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        if (isResponse)
        {
            Interlocked.Increment(ref _responsesWritten);
        }
    }

    private async Task AnswerParseErrorAsync(string why, CancellationToken cancellationToken, JsonRpcErrorCode code = JsonRpcErrorCode.ParseError)
    {
        var shortWhy = why.Length > 300 ? why[..300] + "…" : why;
        log.Warning($"malformed message answered with a parse error: {shortWhy}");
        await WriteAsync(new JsonRpcError
        {
            RequestId = RequestId.Null,
            Error = new JsonRpcError.ErrorDetail
            {
                Code = code,
                Message = "The message is not valid JSON-RPC: " + shortWhy,
                Data = new ErrorData(code == JsonRpcErrorCode.ParseError ? "ParseError" : "InvalidRequest", null),
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bytes of the next header block without its blank line, or null at the end of the stream.</summary>
    private async Task<string?> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (end, separator) = HeaderEnd();
            if (end >= 0)
            {
                var header = Encoding.ASCII.GetString([.. _pending.GetRange(0, end)]);
                _pending.RemoveRange(0, end + separator);
                if (header.Trim().Length == 0)
                {
                    continue; // blank lines between frames
                }

                return header;
            }

            if (_pending.Count > MaxHeaderBytes)
            {
                log.Error($"a header block is longer than {MaxHeaderBytes} bytes without a blank line: the stream cannot be framed any more; closing the connection");
                throw new BadRpcHeaderException("Header block too long.");
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_pending.Any(b => !char.IsWhiteSpace((char)b)))
                {
                    log.Error($"the stream ended inside a header block ({_pending.Count} bytes); closing the connection");
                }

                return null;
            }
        }
    }

    private (int End, int SeparatorLength) HeaderEnd()
    {
        for (var i = 0; i < _pending.Count && i <= MaxHeaderBytes; i++)
        {
            if (_pending[i] != '\n')
            {
                continue;
            }

            if (i + 1 < _pending.Count && _pending[i + 1] == '\n')
            {
                return (i, 2);
            }

            if (i + 2 < _pending.Count && _pending[i + 1] == '\r' && _pending[i + 2] == '\n')
            {
                return (i, 3);
            }
        }

        return (-1, 0);
    }

    private static (long Length, string? Problem) ParseHeader(string header)
    {
        long? length = null;
        string? charset = null;
        foreach (var raw in header.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue; // blank lines before a header (left over from the previous frame) are not part of it
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return (0, $"the header line {Quote(line)} is not 'Name: value'");
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return (0, $"Content-Length {Quote(value)} is not a non-negative integer");
                }

                length = parsed;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && value.Contains("charset", StringComparison.OrdinalIgnoreCase)
                && !value.Contains("utf-8", StringComparison.OrdinalIgnoreCase) && !value.Contains("utf8", StringComparison.OrdinalIgnoreCase))
            {
                charset = value;
            }
        }

        return (length, charset) switch
        {
            (null, _) => (0, "the header has no Content-Length"),
            ({ } l, { } c) => (l, $"only UTF-8 content is read, not {Quote(c)}"),
            ({ } l, null) => (l, null),
        };
    }

    private static string Quote(string text) => text.Length <= 80 ? $"'{text}'" : $"'{text[..80]}…'";

    private async Task<byte[]?> ReadBodyAsync(int length, CancellationToken cancellationToken)
    {
        while (_pending.Count < length)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                log.Error($"the stream ended inside a message body ({_pending.Count} of {length} bytes); closing the connection");
                return null;
            }
        }

        var body = _pending.GetRange(0, length).ToArray();
        _pending.RemoveRange(0, length);
        return body;
    }

    private async Task<bool> SkipAsync(long length, CancellationToken cancellationToken)
    {
        var left = length;
        while (left > 0)
        {
            if (_pending.Count == 0 && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                log.Error("the stream ended inside an oversized message; closing the connection");
                return false;
            }

            var take = (int)Math.Min(left, _pending.Count);
            _pending.RemoveRange(0, take);
            left -= take;
        }

        return true;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var read = await input.ReadAsync(_chunk, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return false;
        }

        _pending.AddRange(_chunk.AsSpan(0, read));
        return true;
    }

    private enum BodyKind
    {
        Message,
        Response,
        NotJsonRpc,
        NoMethod,
    }

    /// <summary>A look at the top-level property names only: a request or notification has a method; a response has an id and a result or an error.</summary>
    private static BodyKind Classify(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return BodyKind.NotJsonRpc;
            }

            bool method = false, id = false, outcome = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMethod = reader.ValueTextEquals("method"u8);
                id |= reader.ValueTextEquals("id"u8);
                outcome |= reader.ValueTextEquals("result"u8) || reader.ValueTextEquals("error"u8);
                reader.Read();
                method |= isMethod && reader.TokenType == JsonTokenType.String;
                reader.Skip();
            }

            return (method, id && outcome) switch
            {
                (true, _) => BodyKind.Message,
                (false, true) => BodyKind.Response,
                _ => BodyKind.NoMethod,
            };
        }
        catch (JsonException)
        {
            return BodyKind.Message; // let the formatter produce its own parse error
        }
    }
}
