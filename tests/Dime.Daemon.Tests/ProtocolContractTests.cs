using System.Reflection;
using System.Text.RegularExpressions;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Tests;

/// <summary>The protocol is defined once on each side; these tests hold the two definitions to each other.</summary>
public sealed partial class ProtocolContractTests
{
    private static readonly string ProtocolTs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "extension", "src", "daemon", "protocol.ts"));

    [Fact]
    public void Every_method_name_matches_the_extension()
    {
        var daemon = typeof(ProtocolNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        var extension = Block("Methods").Concat(Block("Notifications")).Select(p => p.Value).ToHashSet();
        extension.Remove("$/cancelRequest"); // handled by StreamJsonRpc itself
        Assert.Equal(daemon.Order(), extension.Order());
        Assert.Contains(ProtocolNames.ProtocolVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), ProtocolTs, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_code_matches_the_extension()
    {
        var extension = Block("ErrorCodes").ToDictionary(p => p.Key, p => int.Parse(p.Value, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.True(extension.TryGetValue(code.ToString(), out var value), $"{code} is missing from protocol.ts");
            Assert.Equal((int)code, value);
        }

        Assert.Equal(Enum.GetValues<ErrorCode>().Length, extension.Values.Count(v => v > 0));
    }

    [Fact]
    public void Error_codes_stay_outside_the_reserved_ranges()
    {
        foreach (var code in Enum.GetValues<ErrorCode>().Select(c => (int)c))
        {
            Assert.False(code is >= -32768 and <= -32000, $"{code} is in JSON-RPC's reserved range");
        }
    }

    /// <summary>The `key: value` lines of `export const name = { ... }` in protocol.ts.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Block(string name)
    {
        var block = Regex.Match(ProtocolTs, $@"export const {name} = \{{(?<body>[^}}]*)\}}", RegexOptions.Singleline);
        Assert.True(block.Success, $"protocol.ts has no '{name}' object");
        foreach (Match line in Entry().Matches(block.Groups["body"].Value))
        {
            yield return new(line.Groups["key"].Value, line.Groups["value"].Value);
        }
    }

    [GeneratedRegex(@"^\s*(?<key>\w+):\s*'?(?<value>[^',\s]+)'?,", RegexOptions.Multiline)]
    private static partial Regex Entry();
}
