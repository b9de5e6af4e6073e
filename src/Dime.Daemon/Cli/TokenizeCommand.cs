using System.CommandLine;
using System.Text.Json;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Cli;

/// <summary>`tokenize`: the tokens and ids a model receives for a text, and the words that became its unknown token.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model's manifest.json (default: the bundled demo model)." };
        var text = new Argument<string>("text") { Description = "The text (a question) to tokenize." };
        var json = new Option<bool>("--json") { Description = "Print the dime/tokenize result as JSON." };
        var command = new Command("tokenize", "Show the tokens and ids a model receives for a text, and which words it sees as unknown.") { text, model, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var daemon = DaemonCommandLine.CreateDaemon(result);
            return await CommandErrors.Run(daemon, () =>
            {
                var entry = daemon.Models.Load(result.GetValue(model) ?? DemoAssets.CleanModel ?? throw new DaemonException(ErrorCode.InvalidArgument, "No --model given and no bundled demo model found.", "--model"));
                var tokenized = TokenizeResult.Of(entry.Loaded, result.GetValue(text)!);
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(tokenized, Json.Options));
                    return Task.FromResult(0);
                }

                Print(tokenized);
                return Task.FromResult(0);
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static void Print(TokenizeResult tokenized)
    {
        Console.WriteLine($"{tokenized.Kind}: {tokenized.Count} of {tokenized.MaxLength} tokens{(tokenized.Truncated ? " (cut to fit)" : string.Empty)}");
        for (var i = 0; i < tokenized.Count; i++)
        {
            Console.WriteLine($"  {i,4}  {tokenized.Ids[i],8}  {tokenized.Tokens[i]}");
        }

        Console.WriteLine(tokenized.UnknownWords.Count == 0
            ? "every word is in the vocabulary"
            : $"unknown to the model ({tokenized.UnknownToken ?? "dropped"}): {string.Join(", ", tokenized.UnknownWords)}");
    }
}
