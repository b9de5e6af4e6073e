using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Dime.Daemon.Hosting;

namespace Dime.Daemon.Tests;

/// <summary>
/// The daemon's folders form layers (src/Dime.Daemon/README.md, "Layers"): a type may use types of its own folder and of the
/// folders below it, never of one above. Checked on the compiled assembly, so a using directive, a fully qualified
/// name, a lambda, an async method's state machine and a local's type all count.
/// </summary>
public sealed partial class LayerTests
{
    /// <summary>Top to bottom: Dime.Daemon's sub-namespaces (Program, in the root namespace, is above them all).</summary>
    internal static readonly string[] Layers = ["Cli", "Hosting", "Handlers", "Sharding", "Explaining", "Reports", "Workspace", "Gpu", "Protocol", "Logging"];

    private const string Root = "Dime.Daemon";

    [Fact]
    public void NoFolderUsesOneAboveIt()
    {
        var violations = Violations(typeof(DaemonServices).Assembly);
        Assert.True(violations.Count == 0, "Types that use a layer above their own:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void NoUsingDirectiveNamesALayerAbove()
    {
        // An unused using directive leaves nothing in the assembly, but it still tells a reader the wrong direction.
        var source = Path.Combine(TestPaths.RepoRoot, "src", "Dime.Daemon");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            var ns = lines.Select(l => NamespaceLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            if (LayerIndex(ns) is not { } from)
            {
                continue;
            }

            foreach (var line in lines)
            {
                if (UsingLine().Match(line) is { Success: true } m && LayerIndex(m.Groups[1].Value) is { } to && to < from)
                {
                    violations.Add($"{Path.GetRelativePath(source, file)}: {line.Trim()}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Using directives that name a layer above:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void EveryFolderHasItsPlace()
    {
        var unplaced = typeof(DaemonServices).Assembly.GetTypes()
            .Select(t => Outermost(t).Namespace)
            .Where(n => n is not null && n.StartsWith(Root + ".", StringComparison.Ordinal) && LayerOf(n) is null)
            .Distinct()
            .ToList();
        Assert.Empty(unplaced);
    }

    [Fact]
    public void TheCheckSeesUsesInMethodBodies()
    {
        // A lambda's closure and an async state machine are nested types; the types they use must count, or the
        // check would pass on code that only names a layer inside a method.
        var uses = UsedTypes(typeof(Hosting.DaemonServer)).Select(t => t.FullName).ToHashSet();
        Assert.Contains(typeof(Hosting.DimeJsonRpc).FullName, uses);
        Assert.Contains(typeof(Hosting.LspFraming).FullName, uses);
    }

    internal static List<string> Violations(Assembly assembly)
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = LayerIndex(Outermost(type).Namespace);
            if (from is null)
            {
                continue;
            }

            foreach (var used in UsedTypes(type))
            {
                if (used.Assembly == assembly && LayerIndex(Outermost(used).Namespace) is { } to && to < from)
                {
                    violations.Add($"{Outermost(type).FullName} ({Layers[from.Value]}) uses {Outermost(used).FullName} ({Layers[to]})");
                }
            }
        }

        return [.. violations];
    }

    /// <summary>The layer's index, -1 for the root namespace (Program), null for a type outside the daemon's namespaces.</summary>
    private static int? LayerIndex(string? ns) =>
        ns == Root ? -1 : LayerOf(ns) is { } layer ? Array.IndexOf(Layers, layer) : null;

    private static string? LayerOf(string? ns)
    {
        if (ns is null || !ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var first = ns[(Root.Length + 1)..].Split('.')[0];
        return Layers.Contains(first) ? first : null;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>Every type a type's declaration and code use: base, interfaces, members' signatures, attributes, locals and every type, method and field its IL names.</summary>
    internal static HashSet<Type> UsedTypes(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null)
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }

                t = t.GetGenericTypeDefinition();
            }

            if (!t.IsGenericParameter)
            {
                found.Add(t);
            }
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var attribute in type.GetCustomAttributesData())
        {
            Add(attribute.AttributeType);
        }

        foreach (var field in type.GetFields(all))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(all))
        {
            Add(property.PropertyType);
        }

        foreach (var ev in type.GetEvents(all))
        {
            Add(ev.EventHandlerType);
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            if (method.GetMethodBody() is not { } body)
            {
                continue;
            }

            foreach (var local in body.LocalVariables)
            {
                Add(local.LocalType);
            }

            foreach (var member in MembersNamedBy(method, body.GetILAsByteArray() ?? []))
            {
                switch (member)
                {
                    case Type t:
                        Add(t);
                        break;
                    case MethodBase m:
                        Add(m.DeclaringType);
                        if (m is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (var argument in generic.GetGenericArguments())
                            {
                                Add(argument);
                            }
                        }

                        break;
                    case FieldInfo f:
                        Add(f.DeclaringType);
                        Add(f.FieldType);
                        break;
                }
            }
        }

        foreach (var nested in type.GetNestedTypes(all))
        {
            found.UnionWith(UsedTypes(nested));
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types, methods and fields that a method's IL names by token.</summary>
    private static IEnumerable<MemberInfo> MembersNamedBy(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    yield return method.Module.ResolveMember(token, typeArguments, methodArguments)
                        ?? throw new InvalidOperationException($"token {token:X8} in {method.DeclaringType}.{method.Name} did not resolve");
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineSig or OperandType.InlineString or OperandType.ShortInlineR:
                    position += 4;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    position += 1;
                    break;
            }
        }
    }

    [GeneratedRegex(@"^namespace ([\w.]+);")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using (?:\w+ = )?(Dime\.Daemon\.[\w.]+)")]
    private static partial Regex UsingLine();
}
