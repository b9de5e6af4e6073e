using System.Text.Json;

namespace Dime.Inference.Tests;

/// <summary>The reference.json a fixture script writes beside its model: what the independent PyTorch/BERT pipeline gives.</summary>
internal static class TorchReference
{
    /// <summary>Every text's token ids in the reference equal the ids the model's tokenizer gives it.</summary>
    public static void AssertTokenIds(LoadedModel model, JsonDocument reference)
    {
        foreach (var tokens in reference.RootElement.GetProperty("tokens").EnumerateArray())
        {
            var expected = tokens.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(expected, model.TokenIds(tokens.GetProperty("text").GetString()!));
        }
    }
}
