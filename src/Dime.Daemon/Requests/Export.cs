using Dime.Daemon.Protocol;
using Dime.Engine.Errors;
using StreamJsonRpc;

namespace Dime.Daemon.Requests;

internal sealed record ExportParams(string ResultId, string Folder);

internal sealed record ExportResult(IReadOnlyList<string> Files);

/// <summary>Writes a result's JSON into a folder the user chose, with its overlay PNGs and HTML report drawn now.</summary>
internal sealed class ExportHandler(Daemon daemon)
{
    [JsonRpcMethod(ProtocolNames.Export, UseSingleObjectParameterDeserialization = true)]
    public ExportResult Export(ExportParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ResultId, "resultId");
        Validate.NotEmpty(parameters.Folder, "folder");
        daemon.Results.Load(parameters.ResultId);
        string destination;
        try
        {
            destination = Inference.Files.SafeFiles.CheckFolderForWriting(parameters.Folder, "export");
        }
        catch (DimeException e) when (e.Code == DimeErrorCode.PathInvalid)
        {
            throw new DimeException(DimeErrorCode.ExportFailed, e.Message, e.Subject, e);
        }

        return new ExportResult(Explaining.ResultExporter.Export(daemon.Results, parameters.ResultId, destination));
    }
}
