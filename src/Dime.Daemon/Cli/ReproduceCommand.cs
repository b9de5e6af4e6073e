using System.CommandLine;
using System.Globalization;
using Dime.Daemon.Explaining;
using Dime.Daemon.Handlers;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>`reproduce`: computes a result.json again from its provenance and compares every number.</summary>
internal static class ReproduceCommand
{
    public const int DiffersExitCode = 3;

    public static Command Create()
    {
        var file = new Argument<string>("result") { Description = "A result.json written by explain (or the folder holding it)." };
        var command = new Command("reproduce", "Re-run an explanation from the inputs its result records (each checked against its hash) on the device it records (unless --device is given) and compare every number.") { file };
        command.SetAction(async (result, cancellationToken) =>
        {
            ExplanationResult stored;
            try
            {
                stored = ReproduceHandler.ReadResult(result.GetValue(file)!);
            }
            catch (Exception e) when (CommandErrors.OneLine(e) is { } line)
            {
                Console.Error.WriteLine(line);
                return 2;
            }

            // on the device it was computed on, unless --device says otherwise
            using var daemon = DaemonCommandLine.CreateDaemon(result, stored.Provenance?.Environment.Device);
            return await CommandErrors.Run(daemon, async () =>
            {
                Console.Error.WriteLine($"reproducing {stored.ResultId}: sample {stored.Sample.Id}, model {stored.Model.Name}, computed on {stored.Provenance?.Environment.DeviceName ?? stored.Device.Name}");
                var report = await new Reproducer(daemon).ReproduceAsync(stored, new ConsoleProgress("reproduce"), cancellationToken).ConfigureAwait(false);
                Print(report);
                return report.WithinTolerance ? 0 : DiffersExitCode;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static void Print(ReproduceResult r)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("inputs:     model, dataset, image and reference set match their recorded hashes");
        foreach (var change in r.EnvironmentChanges)
        {
            Console.WriteLine($"changed:    {change}");
        }

        Console.WriteLine(string.Create(invariant, $"compared:   {r.Compared} numbers in {r.ElapsedMs / 1000:0.0} s"));
        if (r.Identical)
        {
            Console.WriteLine("result:     identical, bit for bit");
            return;
        }

        foreach (var mismatch in r.Mismatches.Take(5))
        {
            Console.WriteLine($"mismatch:   {mismatch}");
        }

        if (r.Largest is { } l)
        {
            Console.WriteLine(string.Create(invariant, $"largest:    {l.Difference:E3} at {l.Path} (stored {l.Stored:R}, now {l.Reproduced:R}); {r.Differing} of {r.Compared} numbers differ"));
        }

        Console.WriteLine(r.WithinTolerance
            ? string.Create(invariant, $"result:     within the tolerance for a changed environment ({r.Tolerance:E0} relative)")
            : string.Create(invariant, $"result:     DIFFERENT (tolerance {r.Tolerance:E0} relative{(r.EnvironmentChanges.Count == 0 ? ": same environment, so the numbers must be identical" : string.Empty)})"));
    }
}
