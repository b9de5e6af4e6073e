namespace Dime.Daemon.Cli;

/// <summary>Finds the bundled demo (models and dataset) next to the daemon: in the repository or inside the VSIX.</summary>
internal static class DemoAssets
{
    public static string? Folder { get; } = Find();

    public static string? CleanModel => Existing(Folder is null ? null : Path.Combine(Folder, "models", "clean", "manifest.json"));

    public static string? Dataset => Existing(Folder is null ? null : Path.Combine(Folder, "dataset", "samples.jsonl"));

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "demo");
            if (File.Exists(Path.Combine(candidate, "dataset", "samples.jsonl")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? Existing(string? path) => path is not null && File.Exists(path) ? path : null;
}
