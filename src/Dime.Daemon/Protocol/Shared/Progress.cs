namespace Dime.Daemon.Protocol;

/// <summary>
/// What a long request reports while it runs, the value of a $/progress notification: the phase (ExplainPhases),
/// the overall fraction done, and for explain with partial results the explanation so far.
/// </summary>
internal sealed record ProgressValue(string Phase, double Fraction, string? Message = null, PartialResult? Partial = null);
