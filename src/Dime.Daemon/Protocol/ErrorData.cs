namespace Dime.Daemon.Protocol;

/// <summary>The data of every error reply: the code's name and what it concerns.</summary>
internal sealed record ErrorData(string Name, string? Subject);
