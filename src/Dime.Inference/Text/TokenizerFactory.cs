using Dime.Inference.Manifest;

namespace Dime.Inference.Text;

internal static class TokenizerFactory
{
    public static TextTokenizer Create(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength) => spec.Kind switch
    {
        TokenizerKind.Words => WordsTokenizer.Create(spec, manifestPath, maxLength, maxTextLength),
        TokenizerKind.WordPiece => BertWordPieceTokenizer.Create(spec, manifestPath, maxLength, maxTextLength),
        _ => BpeTextTokenizer.Create(spec, manifestPath, maxLength, maxTextLength),
    };
}
