using System.CommandLine;
using Dime.Inference;

namespace Dime.Daemon.Cli;

/// <summary>`init-manifest`: writes the manifest DIME derives from a Hugging Face export folder, for the user to edit.</summary>
internal static class InitManifestCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "A Hugging Face export folder: model.onnx, config.json, tokenizer.json, preprocessor_config.json." };
        var force = new Option<bool>("--force") { Description = "Replace an existing manifest.json." };
        var print = new Option<bool>("--print") { Description = "Print the manifest instead of writing it." };
        var command = new Command("init-manifest", "Write the manifest.json that DIME derives from a Hugging Face export folder (labels stay in config.json), and list what it cannot honour.") { folder, force, print };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, () =>
            {
                var write = !result.GetValue(print);
                var manifest = ManifestInit.Run(result.GetValue(folder)!, result.GetValue(force), write);
                if (write)
                {
                    Console.WriteLine($"wrote {manifest.Path}");
                }
                else
                {
                    Console.Write(manifest.Json);
                }

                foreach (var warning in manifest.Warnings)
                {
                    Console.Error.WriteLine($"warning: {warning}");
                }

                return Task.FromResult(0);
            }).ConfigureAwait(false);
        });
        return command;
    }
}
