using Dime.Daemon.Reports;
using Xunit;

namespace Dime.Daemon.Tests;

/// <summary>The report's colour scale is the source of the panels' one: the generated TypeScript must match it.</summary>
public sealed class ColorScaleContractTests
{
    private static string GeneratedPath => Path.Combine(TestPaths.RepoRoot, "extension", "webview", "shared", "colorScale.generated.ts");

    [Fact]
    public void TheExtensionsGeneratedScaleMatchesTheDaemons()
    {
        var expected = ColorScale.TypeScript();
        if (Environment.GetEnvironmentVariable("DIME_UPDATE_GENERATED") == "1")
        {
            File.WriteAllText(GeneratedPath, expected);
        }

        Assert.True(File.Exists(GeneratedPath), $"{GeneratedPath} is missing: run with DIME_UPDATE_GENERATED=1");
        Assert.Equal(expected, File.ReadAllText(GeneratedPath));
    }

    [Fact]
    public void SignAndMagnitudeShowAsHueAndOpacity()
    {
        var (r, _, b, a) = ColorScale.Of(2, 2);
        Assert.True(r > b);
        Assert.Equal(1, a, 9);
        var (r2, _, b2, a2) = ColorScale.Of(-0.5, 2);
        Assert.True(b2 > r2);
        Assert.Equal(ColorScale.AlphaFloor + ((1 - ColorScale.AlphaFloor) * 0.25), a2, 9);
        Assert.Equal(0, ColorScale.Of(0, 2).Alpha);
        Assert.Equal(0, ColorScale.Of(1, 0).Alpha);
        Assert.Equal(ColorScale.Stops[^1], ColorScale.Diverging(1));
        Assert.Equal(ColorScale.Stops[0], ColorScale.Diverging(-5));
    }
}
