using System.Globalization;

namespace Dime.Daemon.Cli;

/// <summary>
/// A signed weight as the terminal prints it: "+0.12", "-0.05", and "0.00" for one that rounds to zero. .NET's
/// "+0.00;-0.00" prints a tiny negative weight as "-+0.00" (the negative section is not used once the value rounds to
/// zero), so the rounding happens here first.
/// </summary>
internal static class WeightText
{
    public static string Signed(double weight, int decimals = 2)
    {
        var rounded = Math.Round(weight, decimals, MidpointRounding.AwayFromZero);
        var digits = Math.Abs(rounded).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return rounded > 0 ? "+" + digits : rounded < 0 ? "-" + digits : digits;
    }
}
