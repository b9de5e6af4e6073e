using System.Buffers.Binary;

namespace Dime.Inference.Imaging;

/// <summary>
/// What an image's header promises, checked before decoding against the bytes that follow. For a PNG: the declared size must be reachable from the compressed data
/// (deflate expands at most about 1032:1, so fewer bytes cannot hold the pixels the header declares: the image is
/// truncated or forged), and metadata chunks (text, ICC profiles, EXIF) are bounded in total, since compressed text
/// can inflate a tiny file to hundreds of megabytes. For an uncompressed BMP: the pixel rows the header declares must
/// all be in the file (decoders fill missing rows with black instead of failing).
/// </summary>
internal static class ImageStructure
{
    public const long MaxMetadataBytes = 8L << 20;
    private const long DeflateMaxRatio = 1032;

    /// <summary>Why the image cannot be what its header says, or null when its structure is plausible (or the format is not checked).</summary>
    public static string? Problem(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == 'B' && data[1] == 'M' ? BmpProblem(data) : PngProblem(data);

    private static string? BmpProblem(ReadOnlySpan<byte> data)
    {
        if (data.Length < 34)
        {
            return "the BMP header is cut short";
        }

        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var width = (long)BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
        var height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
        var bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
        var compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
        if (compression is not (0 or 3))
        {
            return null; // run-length encoded: the decoder itself checks what it reads
        }

        var rowBytes = ((bitsPerPixel * width) + 31) / 32 * 4;
        var needed = pixelOffset + (rowBytes * height);
        return needed > data.Length
            ? $"the header declares {width}x{height} pixels ({needed} bytes), but the file has {data.Length}: the image data ends before the declared size"
            : null;
    }

    private static string? PngProblem(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (data.Length < 8 || !data[..8].SequenceEqual(signature))
        {
            return null;
        }

        long width = 0, height = 0, idat = 0, metadata = 0;
        int bitDepth = 8, channels = 3;
        var sawEnd = false;
        for (var offset = 8; offset + 12 <= data.Length;)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            if (length > int.MaxValue || offset + 12 + (long)length > data.Length)
            {
                return $"the chunk {type} declares {length} bytes but the file ends first";
            }

            var body = data.Slice(offset + 8, (int)length);
            switch (type)
            {
                case "IHDR" when length >= 13:
                    width = BinaryPrimitives.ReadUInt32BigEndian(body);
                    height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    bitDepth = body[8];
                    channels = body[9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 3 };
                    break;
                case "IDAT":
                    idat += length;
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                case "PLTE" or "tRNS" or "bKGD" or "gAMA" or "cHRM" or "sRGB" or "pHYs" or "sBIT" or "hIST":
                    break;
                default:
                    metadata += length; // tEXt, zTXt, iTXt, iCCP, eXIf, and whatever else rides along
                    break;
            }

            if (metadata > MaxMetadataBytes)
            {
                return $"its metadata chunks hold more than {MaxMetadataBytes >> 20} MiB";
            }

            offset += 12 + (int)length;
            if (sawEnd)
            {
                break;
            }
        }

        if (idat == 0)
        {
            return "it holds no image data (IDAT)";
        }

        var rowBytes = 1 + (((width * channels * bitDepth) + 7) / 8);
        var raw = height * rowBytes;
        if (idat * DeflateMaxRatio + 1024 < raw)
        {
            return $"{idat} bytes of compressed data cannot hold the declared {width}x{height} pixels ({raw} bytes): the image data ends before the declared size";
        }

        return null;
    }
}
