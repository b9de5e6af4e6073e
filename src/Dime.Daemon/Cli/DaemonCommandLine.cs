using System.CommandLine;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;

namespace Dime.Daemon.Cli;

/// <summary>The daemon's command line: `serve` for editors, and commands for scripts on the same engine.</summary>
internal static class DaemonCommandLine
{
    public static readonly Option<string?> CacheOption = new("--cache") { Description = "Folder for the result cache (results as JSON; overlays and reports are drawn when written out)." };
    public static readonly Option<string> DeviceOption = new("--device") { Description = "auto (CUDA when it loads, else CPU), cuda or cpu.", DefaultValueFactory = _ => "auto" };
    public static readonly Option<string?> OrtNativesOption = new("--ort-natives") { Description = "Run ONNX Runtime from this folder (the CUDA build `gpu enable` installed)." };
    public static readonly Option<string> LogLevelOption = new("--log-level") { Description = "trace, debug, info, warning, error or off (to stderr).", DefaultValueFactory = _ => "info" };

    public static async Task<int> RunAsync(string[] args)
    {
        DeviceOption.AcceptOnlyFromAmong([.. Protocol.DeviceInfoDto.Requests]);
        var root = new RootCommand("DIME: explain multimodal models by their unimodal contributions and multimodal interactions.");
        root.Options.Add(CacheOption);
        root.Options.Add(DeviceOption);
        root.Options.Add(LogLevelOption);
        root.Options.Add(OrtNativesOption);
        CacheOption.Recursive = true;
        OrtNativesOption.Recursive = true;
        DeviceOption.Recursive = true;
        LogLevelOption.Recursive = true;
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(ExplainDatasetCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(CheckModelCommand.Create());
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(InitManifestCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(GpuCommand.Create());
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception e) when (CommandErrors.OneLine(e) is { } line)
        {
            // whatever a command let through: one line and exit code 2, never a stack trace
            Console.Error.WriteLine(line);
            return 2;
        }
    }

    /// <param name="defaultDevice">The device when --device is not given (reproduce: the recorded one).</param>
    public static DaemonServices CreateDaemon(ParseResult result, string? defaultDevice = null)
    {
        if (result.GetValue(OrtNativesOption) is { } natives)
        {
            Inference.Runtime.OrtNatives.UseFolder(natives); // before anything touches ONNX Runtime
        }

        var log = new Log(Log.ParseLevel(result.GetValue(LogLevelOption)));
        var cache = result.GetValue(CacheOption) is { } folder ? Inference.Files.SafeFiles.CheckFolderForWriting(folder, "--cache") : DaemonOptions.DefaultCacheFolder;
        var device = defaultDevice is not null && result.GetResult(DeviceOption) is null or { Implicit: true } ? defaultDevice : result.GetValue(DeviceOption) ?? "auto";
        return new DaemonServices(new DaemonOptions(cache, device, log.Minimum), log);
    }
}
