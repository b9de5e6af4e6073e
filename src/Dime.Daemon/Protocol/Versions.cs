using System.Reflection;
using System.Runtime.InteropServices;

namespace Dime.Daemon.Protocol;

internal sealed record Versions(string Daemon, string Dotnet, string OnnxRuntime)
{
    public static readonly Versions Current = new(
        typeof(Versions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
        RuntimeInformation.FrameworkDescription,
        "1.31.0");
}

/// <summary>The device the models run on, and when it is not the one asked for, why.</summary>
internal sealed record DeviceInfo(string Kind, string Requested, string Name, string? FallbackReason = null);
