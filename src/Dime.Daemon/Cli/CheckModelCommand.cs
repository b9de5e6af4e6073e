using System.CommandLine;
using Dime.Inference;
using Dime.Inference.Checking;

namespace Dime.Daemon.Cli;

/// <summary>`check-model`: loads a manifest against its graphs and checks that the split graphs compose to the full one.</summary>
internal static class CheckModelCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "The model's manifest.json (or its folder)." };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest relative error between the full graph and the split composition.", DefaultValueFactory = _ => 1e-5 };
        var command = new Command("check-model", "Check a model folder: the manifest against the graphs, and the split graphs against the full graph.") { manifest, tolerance };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, async () =>
            {
                using var model = OnnxModelLoader.Load(result.GetValue(manifest)!, new DeviceOptions { Device = DeviceOptions.ParseKind(daemon.Settings.Device) });
                Console.WriteLine($"{model.Name}: {model.Labels.Count} labels, device {model.Device}, split path {(model.Split is null ? "absent" : "present")}");
                foreach (var warning in model.Warnings)
                {
                    Console.WriteLine($"warning: {warning}");
                }

                if (model.Split is null || model.FullGraph is null)
                {
                    Console.WriteLine("OK: the manifest matches its graphs (no full graph and split path to compare).");
                    return 0;
                }

                var check = await ModelChecker.CheckAsync(model, result.GetValue(tolerance), cancellationToken).ConfigureAwait(false);
                Console.WriteLine(check);
                return check.Passed ? 0 : 1;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
