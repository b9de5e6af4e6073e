namespace Dime.Daemon.Tests;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string CleanManifest => Path.Combine(RepoRoot, "demo", "models", "clean", "manifest.json");

    public static string BiasedManifest => Path.Combine(RepoRoot, "demo", "models", "biased", "manifest.json");

    public static string DemoDataset => Path.Combine(RepoRoot, "demo", "dataset", "samples.jsonl");

    /// <summary>Tiny ONNX graphs made for the inference tests (a NaN-producing one among them).</summary>
    public static string ToyModels => Path.Combine(RepoRoot, "tests", "Dime.Inference.Tests", "Fixtures", "toy");

    public static string NewTempFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "dime-daemon-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dime.sln not found above the test assembly.");
    }
}
