using Dime.Inference.Manifest;
using Microsoft.ML.Tokenizers;

namespace Dime.Inference.Text;

/// <summary>
/// BERT's tokenizer: <see cref="BertBasicTokenization"/> splits the words, Microsoft.ML.Tokenizers'
/// <see cref="WordPieceTokenizer"/> cuts each into pieces (greedy longest match first, continuation pieces
/// prefixed with <c>##</c>; a word with a piece missing from the vocabulary is the unknown token as a whole).
/// </summary>
internal sealed class BertWordPieceTokenizer : TextTokenizer
{
    private readonly WordPieceTokenizer _wordPiece;
    private readonly Dictionary<string, int> _vocabulary;
    private readonly int _unknownId;

    private BertWordPieceTokenizer(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength, Dictionary<string, int> vocabulary, WordPieceTokenizer wordPiece)
        : base(spec, manifestPath, maxLength, maxTextLength, vocabulary)
    {
        _wordPiece = wordPiece;
        _vocabulary = vocabulary;
        _unknownId = UnknownId ?? throw JsonFields.Error(manifestPath, "tokenizer.unknownToken", "wordpiece needs an unknown token (BERT's is [UNK]).");
        var prefix = spec.ContinuingSubwordPrefix ?? "##";
        Words = vocabulary.Keys.Where(w => !w.StartsWith(prefix, StringComparison.Ordinal) && !(w.StartsWith('[') && w.EndsWith(']'))).ToArray();
    }

    public override IReadOnlyList<string> Words { get; }

    public static BertWordPieceTokenizer Create(TokenizerSpec spec, string manifestPath, int maxLength, int maxTextLength)
    {
        // a Hugging Face tokenizer.json holds the vocabulary as model.vocab; the library reads vocab.txt lines
        var json = TokenizerJsonFile.Names(spec.Vocabulary) ? TokenizerJsonFile.Read(spec.Vocabulary, manifestPath) : null;
        using var lines = json?.AsVocabularyLines(manifestPath);
        var vocabulary = json?.Vocabulary ?? WordsTokenizer.ReadLines(spec.Vocabulary, manifestPath);
        var unknown = spec.UnknownToken ?? "[UNK]";
        if (!vocabulary.ContainsKey(unknown))
        {
            throw JsonFields.Error(manifestPath, "tokenizer.unknownToken", $"the token '{unknown}' is not in the vocabulary {Path.GetFileName(spec.Vocabulary)}; wordpiece needs one for words it cannot cut.");
        }

        WordPieceTokenizer wordPiece;
        try
        {
            var wordPieceOptions = new WordPieceOptions
            {
                UnknownToken = unknown,
                ContinuingSubwordPrefix = spec.ContinuingSubwordPrefix ?? "##",

                // The word length limit counts characters (code points), which the library would count in UTF-16
                // units; DIME applies it before calling the library, which then never refuses a word itself.
                MaxInputCharsPerWord = 2 * BertBasicTokenization.MaxCharactersPerWord,
            };
            wordPiece = lines is null ? WordPieceTokenizer.Create(spec.Vocabulary, wordPieceOptions) : WordPieceTokenizer.Create(lines, wordPieceOptions);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw JsonFields.Error(manifestPath, "tokenizer.vocabulary", $"{Path.GetFileName(spec.Vocabulary)} is not a usable WordPiece vocabulary: {e.Message}");
        }

        return new BertWordPieceTokenizer(spec, manifestPath, maxLength, maxTextLength, vocabulary, wordPiece);
    }

    protected override int SpecialId(string token) => _vocabulary[token];

    protected override void AppendWords(string text, List<TokenizedWord> words, bool beforeSpecial)
    {
        foreach (var word in BertBasicTokenization.Words(text, Spec.Lowercase))
        {
            if (BertBasicTokenization.CharacterCount(word) > BertBasicTokenization.MaxCharactersPerWord)
            {
                words.Add(new TokenizedWord(word, [_unknownId], true));
                continue;
            }

            var ids = _wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false);
            words.Add(new TokenizedWord(word, ids.ToArray(), ids.Count == 1 && ids[0] == _unknownId && word != Spec.UnknownToken));
        }
    }
}
