using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;
using Dime.Engine.Errors;
using StreamJsonRpc;

namespace Dime.Daemon.Handlers;

/// <summary>Writes a result's JSON into a folder the user chose, with its overlay PNGs and HTML report drawn now.</summary>
internal sealed class ExportHandler(ResultStore results)
{
    [JsonRpcMethod(ProtocolNames.Export, UseSingleObjectParameterDeserialization = true)]
    public ExportResult Export(ExportParams parameters)
    {
        Validate.NotNull(parameters, "params");
        Validate.NotEmpty(parameters.ResultId, "resultId");
        Validate.NotEmpty(parameters.Folder, "folder");
        var result = results.Load(parameters.ResultId);
        string destination;
        try
        {
            destination = Inference.Files.SafeFiles.CheckFolderForWriting(parameters.Folder, "export");
        }
        catch (DimeException e) when (e.Kind == ErrorKind.PathInvalid)
        {
            throw new DaemonException(ErrorCode.ExportFailed, e.Message, e.Subject, e);
        }

        return new ExportResult(ResultExporter.Export(result, Path.Combine(results.FolderOf(parameters.ResultId), ResultStore.ResultFile), destination));
    }
}
