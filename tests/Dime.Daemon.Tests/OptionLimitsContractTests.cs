using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using Dime.Daemon.Explaining;
using Dime.Daemon.Handlers;


namespace Dime.Daemon.Tests;

/// <summary>
/// Option defaults and bounds are defined once (Explaining/ExplainOptionsResolver.Limits): the daemon validates with them and
/// announces them in initialize; the extension's package.json settings, kept as static metadata for VS Code's
/// settings editor, must say the same.
/// </summary>
public sealed class OptionLimitsContractTests
{
    /// <summary>package.json setting -> the announced option it stands for.</summary>
    private static readonly (string Setting, string Option)[] Settings =
    [
        ("dime.explain.imageSamples", "imageSamples"),
        ("dime.explain.textSamples", "textSamples"),
        ("dime.explain.referenceSize", "referenceSize"),
        ("dime.explain.seed", "seed"),
        ("dime.explain.stabilityRuns", "quality.stabilityRuns"),
        ("dime.explain.partners", "partners"),
    ];

    private static readonly (string Setting, IReadOnlyList<string> Values)[] Choices =
    [
        ("dime.explain.segmentation", ExplainOptionsDto.SegmentationMethods),
        ("dime.explain.hide", ExplainOptionsDto.HideModes),
        ("dime.explain.textMask", ExplainOptionsDto.TextMasks),
        ("dime.explain.partnerEstimator", ExplainOptionsDto.PartnerEstimators),
        ("dime.device", DeviceInfoDto.Requests),
    ];

    [Fact]
    public async Task Initialize_announces_every_limit_the_daemon_validates_with()
    {
        await using var daemon = await InProcessDaemon.StartAsync(initialize: false);
        var result = await daemon.Call<JsonElement>(ProtocolNames.Initialize, new { clientInfo = new { name = "test" } });
        var announced = result.GetProperty("capabilities").GetProperty("options");
        foreach (var (name, limit) in LifecycleHandler.AnnouncedLimits)
        {
            var option = announced.GetProperty(name);
            Assert.Equal(limit, new OptionLimit(option.GetProperty("default").GetInt32(), option.GetProperty("min").GetInt32(), option.GetProperty("max").GetInt32()));
        }

        Assert.Equal(20_000, announced.GetProperty("imageSamples").GetProperty("max").GetInt32());
        Assert.Equal(1_000, announced.GetProperty("referenceSize").GetProperty("max").GetInt32());
        Assert.Equal(10, announced.GetProperty("quality.stabilityRuns").GetProperty("max").GetInt32());
    }

    [Fact]
    public void A_value_past_an_announced_bound_is_refused_with_the_options_name()
    {
        var limit = ExplainOptionsResolver.Limits["imageSamples"];
        Assert.Equal(limit.Max, limit.Check(limit.Max, "options.imageSamples"));
        Assert.Equal(limit.Default, limit.Check(null, "options.imageSamples"));
        var error = Assert.Throws<DaemonException>(() => limit.Check(limit.Max + 1, "options.imageSamples"));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("options.imageSamples", error.Subject);
    }

    [Fact]
    public void The_extensions_settings_metadata_matches_the_announced_limits()
    {
        var package = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "extension", "package.json")))!;
        var configuration = package["contributes"]!["configuration"]!;
        var properties = (configuration is JsonArray sections ? sections.Select(s => s!["properties"]!.AsObject()) : [configuration["properties"]!.AsObject()])
            .SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value!);
        var problems = new List<string>();
        foreach (var (setting, option) in Settings)
        {
            var limit = ExplainOptionsResolver.Limits[option];
            var schema = properties[setting];
            void Expect(string key, int expected)
            {
                var actual = schema[key]?.GetValue<long>();
                if (actual != expected)
                {
                    problems.Add($"{setting}.{key} is {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"}; the daemon announces {expected} for {option}");
                }
            }

            Expect("minimum", limit.Min);
            Expect("maximum", limit.Max);
            if (schema["default"] is not null)
            {
                Expect("default", limit.Default);
            }
        }

        foreach (var (setting, values) in Choices)
        {
            var listed = properties[setting]["enum"]!.AsArray().Where(v => v is not null).Select(v => v!.GetValue<string>()).ToList();
            if (!listed.SequenceEqual(values))
            {
                problems.Add($"{setting}.enum is [{string.Join(", ", listed)}]; the daemon accepts [{string.Join(", ", values)}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
