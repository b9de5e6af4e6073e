using System.Reflection;

namespace Dime.Daemon.Protocol;

internal sealed record Versions(string Daemon, string Dotnet, string OnnxRuntime)
{
    public static readonly Versions Current = new(
        typeof(Versions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
        Environment.Version.ToString(), // the number only: clients print ".NET {dotnet}" (FrameworkDescription made that ".NET .NET 10.0.1")
        "1.31.0");
}

/// <summary>The device the models run on, and when it is not the one asked for, why.</summary>
internal sealed record DeviceInfoDto(string Kind, string Requested, string Name, string? FallbackReason = null)
{
    public static DeviceInfoDto Of(Inference.DeviceInfo device) => new(
        device.Device,
        device.Requested,
        device.IsCuda ? $"CUDA device {device.DeviceId ?? 0}{(device.Tf32 ? " (TF32)" : string.Empty)}" : "CPU",
        device.FallbackReason);

    /// <summary>Before any model is loaded, the device is only what was asked for.</summary>
    public static DeviceInfoDto NotYetLoaded(string requested) =>
        new(requested == "cuda" ? "cuda" : "cpu", requested, requested == "cpu" ? "CPU" : "chosen when the first model loads");
}
