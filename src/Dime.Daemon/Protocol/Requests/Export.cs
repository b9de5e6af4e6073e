using Dime.Daemon.Reports;

namespace Dime.Daemon.Protocol;

internal sealed record ExportParams(string ResultId, string Folder);

internal sealed record ExportResult(IReadOnlyList<string> Files);
