using System.Reflection;

namespace Dime.Daemon.Protocol;

/// <summary>The values a string property takes on the wire (the schema's "enum", a union type in TypeScript).
/// Either the values themselves, or the static string[] field of a type that the daemon validates against.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class WireEnumAttribute : Attribute
{
    public WireEnumAttribute(params string[] values) => Values = values;

    public WireEnumAttribute(Type owner, string field) =>
        Values = (IReadOnlyList<string>)(owner.GetField(field, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null)
            ?? throw new ArgumentException($"{owner.Name} has no static field {field}.", nameof(field)));

    public IReadOnlyList<string> Values { get; }
}
