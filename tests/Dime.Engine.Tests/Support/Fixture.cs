using System.IO.Compression;
using System.Text.Json;
using Dime.Engine.Imaging;

namespace Dime.Engine.Tests.Support;

/// <summary>Reads the committed reference files (made by Fixtures/make_fixtures.py) from the test output folder.</summary>
internal static class Fixture
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    public static JsonElement Json(string relative)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf(relative)));
        return document.RootElement.Clone();
    }

    public static byte[] GzipBytes(string relative)
    {
        using var file = File.OpenRead(PathOf(relative));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    public static RgbImage Image(string relative, int width, int height) => new(width, height, GzipBytes(relative));

    public static int[] Int32s(string relative)
    {
        var bytes = GzipBytes(relative);
        var values = new int[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>Doubles are stored as Python repr strings, which parse back to the same bits.</summary>
    public static double Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? double.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : element.GetDouble();

    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(Number).ToArray();
}
