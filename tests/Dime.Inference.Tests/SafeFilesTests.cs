using System.Diagnostics;
using Dime.Engine.Errors;
using Dime.Engine.Imaging;
using Dime.Inference.Files;
using Dime.Inference.Imaging;

namespace Dime.Inference.Tests;

/// <summary>The one way files are read (issue 14, items 1 and 5): only regular files, within their limit, never blocking.</summary>
public sealed class SafeFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dime-safefiles-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_FIFO_without_a_writer_is_refused_at_once_instead_of_blocking()
    {
        var fifo = Path.Combine(_folder, "pipe.jsonl");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<DimeException>(() => SafeFiles.ReadAllBytes(fifo, FileKind.Dataset));
        Assert.Equal(ErrorKind.NotARegularFile, error.Kind);
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
        Assert.Contains(fifo, error.Message, StringComparison.Ordinal);
        Assert.True(clock.ElapsedMilliseconds < 1000);
    }

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("/dev/urandom", "character device")]
    [InlineData("/tmp", "directory")]
    public void Devices_and_directories_are_refused_with_the_path_named(string path, string what)
    {
        var error = Assert.Throws<DimeException>(() => SafeFiles.ReadAllBytes(path, FileKind.Image));
        Assert.Equal(ErrorKind.NotARegularFile, error.Kind);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Subject);
    }

    [Fact]
    public void A_link_to_a_device_is_refused_like_the_device()
    {
        var link = Path.Combine(_folder, "manifest.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        Assert.Equal(ErrorKind.NotARegularFile, Assert.Throws<DimeException>(() => SafeFiles.ReadAllBytes(link, FileKind.Manifest)).Kind);
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("line\nbreak")]
    [InlineData("escape\u001b")]
    [InlineData("")]
    [InlineData("   ")]
    public void Paths_with_invalid_characters_are_refused(string path) =>
        Assert.Equal(ErrorKind.PathInvalid, Assert.Throws<DimeException>(() => SafeFiles.ReadAllBytes(path, FileKind.Dataset)).Kind);

    [Fact]
    public void A_long_path_is_refused_and_quoted_in_at_most_a_few_hundred_characters()
    {
        var error = Assert.Throws<DimeException>(() => SafeFiles.CheckPath("/tmp/" + new string('x', 50_000), "dataset"));
        Assert.Equal(ErrorKind.PathInvalid, error.Kind);
        Assert.True(error.Message.Length < 400, $"{error.Message.Length} characters");
    }

    [Fact]
    public void The_size_limit_of_a_kind_is_checked_before_reading()
    {
        var file = Path.Combine(_folder, "eleven.txt");
        File.WriteAllBytes(file, new byte[11]);
        var small = new FileKind("test file", 10, ErrorKind.DatasetNotFound);
        Assert.Equal(ErrorKind.FileTooLarge, Assert.Throws<DimeException>(() => SafeFiles.ReadAllBytes(file, small)).Kind);
        Assert.Equal(11, SafeFiles.ReadAllBytes(file, small with { MaxBytes = 11 }).Length);
        Assert.Equal(ErrorKind.DatasetNotFound, Assert.Throws<DimeException>(() => SafeFiles.ReadAllBytes(Path.Combine(_folder, "nope"), small)).Kind);
    }

    [Fact]
    public void Reading_observes_cancellation()
    {
        var file = Path.Combine(_folder, "data.bin");
        File.WriteAllBytes(file, new byte[3 << 20]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => SafeFiles.ReadAllBytes(file, FileKind.Dataset, cancelled.Token));
        Assert.Equal(3 << 20, SafeFiles.ReadAllBytes(file, FileKind.Dataset).Length);
    }

    [Fact]
    public void Folders_to_write_must_not_be_system_folders_or_files()
    {
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "x");
        Assert.Equal(ErrorKind.PathInvalid, Assert.Throws<DimeException>(() => SafeFiles.CheckFolderForWriting("/proc/self/dime", "--out")).Kind);
        Assert.Equal(ErrorKind.PathInvalid, Assert.Throws<DimeException>(() => SafeFiles.CheckFolderForWriting(file, "--out")).Kind);
        Assert.Equal(ErrorKind.PathInvalid, Assert.Throws<DimeException>(() => SafeFiles.CheckFolderForWriting(Path.Combine(file, "below"), "--cache")).Kind);
        Assert.Equal(Path.Combine(_folder, "new", "folder"), SafeFiles.CheckFolderForWriting(Path.Combine(_folder, "new", "folder"), "--out"));
    }

    [Fact]
    public void A_bitmap_whose_rows_are_missing_is_corrupt()
    {
        byte[] header = [.. "BM"u8.ToArray(), .. new byte[8], 54, 0, 0, 0, 40, 0, 0, 0, 64, 0, 0, 0, 64, 0, 0, 0, 1, 0, 24, 0, .. new byte[24]];
        Assert.Equal(ErrorKind.ImageCorrupt, Assert.Throws<DimeException>(() => ImageLoader.Decode(header, "header.bmp")).Kind);
    }

    [Fact]
    public void Images_over_the_budget_are_downscaled_keeping_their_aspect()
    {
        var large = new RgbImage(2000, 1000, new byte[2000 * 1000 * 3]);
        var fitted = ImageBudget.Fit(large);
        Assert.True((long)fitted.Width * fitted.Height <= ImageBudget.MaxExplainedPixels);
        Assert.Equal(2.0, (double)fitted.Width / fitted.Height, 1);
        var small = new RgbImage(64, 64, new byte[64 * 64 * 3]);
        Assert.Same(small, ImageBudget.Fit(small));
    }
}
