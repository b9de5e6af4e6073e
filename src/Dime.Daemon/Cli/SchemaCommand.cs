using System.CommandLine;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>`schema`: the wire contract as JSON Schema (docs/protocol.schema.json), or as the extension's TypeScript.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var typeScript = new Option<bool>("--typescript") { Description = "Print the extension's wire.generated.ts instead of the JSON Schema." };
        var command = new Command("schema", "Print the JSON Schema of every request's params and result and of the notifications, made from the daemon's records.")
        {
            typeScript,
        };
        command.SetAction(result =>
        {
            Console.Out.Write(result.GetValue(typeScript) ? WireTypeScript.Generate(WireSchema.Document()) : WireSchema.Text());
            return 0;
        });
        return command;
    }
}
