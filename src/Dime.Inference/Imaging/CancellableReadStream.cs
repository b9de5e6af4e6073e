namespace Dime.Inference.Imaging;

/// <summary>
/// Encoded image bytes read through a cancellation check: ImageSharp's decoders pull their input in buffer-sized
/// reads (a few kilobytes each) as they decode, so a cancel stops a decode within one buffer's worth of work even
/// where the decoder has no cancellation point of its own (PNG's inflate and unfiltering).
/// </summary>
internal sealed class CancellableReadStream(byte[] data, CancellationToken cancellationToken) : Stream
{
    private readonly MemoryStream _inner = new(data, writable: false);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _inner.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _inner.Read(buffer);
    }

    public override int ReadByte()
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _inner.ReadByte();
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
