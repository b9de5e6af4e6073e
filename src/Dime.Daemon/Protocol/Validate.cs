using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dime.Daemon.Protocol;

/// <summary>Checks on request parameters, each failing with InvalidArgument and the parameter's name.</summary>
internal static class Validate
{
    public static void NotNull([NotNull] object? value, string name)
    {
        if (value is null)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{name}' is required.", name);
        }
    }

    public static void NotEmpty([NotNull] string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{name}' is required and may not be empty.", name);
        }
    }

    public static void Range(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{name}' is {value.ToString(CultureInfo.InvariantCulture)}; it must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.", name);
        }
    }

    public static void Range(double value, double min, double max, string name)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{name}' is {value.ToString(CultureInfo.InvariantCulture)}; it must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.", name);
        }
    }

    public static void OneOf(string? value, IReadOnlyCollection<string> allowed, string name)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            throw new DaemonException(ErrorCode.InvalidArgument, $"'{name}' is '{value}'; it must be one of {string.Join(", ", allowed)}.", name);
        }
    }
}
