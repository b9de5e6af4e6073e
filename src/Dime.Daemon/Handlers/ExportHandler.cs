using Dime.Daemon.Protocol;
using Dime.Daemon.Reports;
using Dime.Engine.Errors;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>Copies a result's JSON, overlay PNGs and HTML report into a folder the user chose.</summary>
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
        catch (DimeException e) when (e.Kind == ErrorKind.PathInvalid)
        {
            throw new DaemonException(ErrorCode.ExportFailed, e.Message, e.Subject, e);
        }

        try
        {
            return new ExportResult(ArtifactWriter.Export(daemon.Results.FolderOf(parameters.ResultId), destination));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DaemonException(ErrorCode.ExportFailed, $"Could not write to {Inference.Files.SafeFiles.Quote(parameters.Folder)}: {e.Message}", Inference.Files.SafeFiles.Subject(parameters.Folder), e);
        }
    }
}
