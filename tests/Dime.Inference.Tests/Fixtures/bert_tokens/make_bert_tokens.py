#!/usr/bin/python3
"""Reference token ids for BERT's tokenization, written from the published algorithm (BERT's tokenization.py as
Hugging Face's BertTokenizer runs it), standard library only, independent of DIME's C# code.

    /usr/bin/python3 make_bert_tokens.py      # rewrites vocab.txt and cases.json next to this file

Basic tokenization: drop NUL, U+FFFD and control characters (category C*, except tab, newline and carriage
return, which are whitespace), turn whitespace (those three, space, category Zs) into spaces, put spaces around
CJK ideographs, split on whitespace; when lowercasing, lowercase each word and strip accents (NFD, drop Mn);
split each word on punctuation (ASCII 33-47, 58-64, 91-96, 123-126 and category P*). WordPiece: a word of more
than 100 characters is [UNK]; otherwise greedy longest match first, continuation pieces prefixed with ##, and a
word with any piece not in the vocabulary is [UNK] as a whole. Special tokens written in the text ([MASK]) stay
whole, as Hugging Face's added tokens do. Then [CLS] + tokens cut to max_length - 2 + [SEP], padded with [PAD].
"""
import json
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_CHARS_PER_WORD = 100


def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def clean(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        out.append(" " if is_whitespace(ch) else ch)
    return "".join(out)


def space_cjk(text):
    return "".join(" " + ch + " " if is_cjk(ord(ch)) else ch for ch in text)


def strip_accents(word):
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if unicodedata.category(ch) != "Mn")


def split_punctuation(word):
    pieces, current = [], []
    for ch in word:
        if is_punctuation(ch):
            if current:
                pieces.append("".join(current))
                current = []
            pieces.append(ch)
        else:
            current.append(ch)
    if current:
        pieces.append("".join(current))
    return pieces


def basic_tokenize(text, lowercase):
    words = []
    for word in space_cjk(clean(text)).split():
        if lowercase:
            word = strip_accents(word.lower())
        words.extend(split_punctuation(word))
    return [w for w in " ".join(words).split()]


def wordpiece(word, vocab):
    if len(word) > MAX_CHARS_PER_WORD:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            candidate = word[start:end] if start == 0 else "##" + word[start:end]
            if candidate in vocab:
                found = candidate
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


def tokenize(text, lowercase, vocab):
    """(word, pieces) pairs; special tokens written in the text are words of their own."""
    out, rest = [], text
    while rest:
        hits = [(rest.find(s), s) for s in SPECIALS if rest.find(s) >= 0]
        at, special = min(hits) if hits else (len(rest), None)
        for word in basic_tokenize(rest[:at], lowercase):
            out.append((word, wordpiece(word, vocab)))
        if special is None:
            break
        out.append((special, [special]))
        rest = rest[at + len(special):]
    return out


def encode(text, lowercase, max_length, vocab):
    words = tokenize(text, lowercase, vocab)
    tokens = [piece for _, pieces in words for piece in pieces][: max_length - 2]
    tokens = ["[CLS]"] + tokens + ["[SEP]"]
    ids = [vocab[t] for t in tokens]
    padding = max_length - len(ids)
    return {
        "text": text,
        "lowercase": lowercase,
        "maxLength": max_length,
        "tokens": tokens,
        "ids": ids + [vocab["[PAD]"]] * padding,
        "attentionMask": [1] * len(ids) + [0] * padding,
        "unknownWords": [w for w, pieces in words if pieces == ["[UNK]"]],
    }


def vocabulary():
    punctuation = [chr(c) for c in list(range(33, 48)) + list(range(58, 65)) + list(range(91, 97)) + list(range(123, 127))]
    unicode_punctuation = ["¿", "¡", "«", "»", "—", "–", "“", "”", "‘", "’", "…", "、", "。", "「", "」", "·", "§", "¶"]
    words = ["what", "what's", "is", "the", "a", "an", "there", "color", "colour", "of", "red", "blue", "green", "cube",
             "ball", "how", "many", "are", "s", "t", "don", "it", "i", "you", "cafe", "naive", "resume", "uber",
             "play", "un", "over", "think", "man", "dog", "cat", "Red", "Cube", "What", "Is", "café", "naïve",
             "straße", "strasse", "οδος", "οδοσ", "σας", "ζ", "中", "国", "人", "日", "本", "語", "東", "京",
             "😀", "❤", "π", "e", "x", "y", "mc", "c", "2", "4", "10", "100", "1", "0", "3", "5", "7",
             "한", unicodedata.normalize("NFD", "한"), "국", unicodedata.normalize("NFD", "국"),
             "ｆｕｌｌ", "full", "ﬁ", "fi", "ß", "ǆ", "dž", "ⅰ", "ⓐ", "a" * 100, "aaaaaaaaaa", "\u0130", "i"]
    pieces = ["##s", "##ing", "##ed", "##able", "##known", "##ball", "##e", "##2", "##0", "##1", "##😀", "##a",
              "##aaaaaaaaa", "##aaaaaaaaaa", "##ly", "##'", "##t", "##x",
              "##" + unicodedata.normalize("NFD", "국")]
    seen, out = set(), []
    for token in SPECIALS + punctuation + unicode_punctuation + words + pieces:
        if token not in seen:
            seen.add(token)
            out.append(token)
    return out


CASES_UNCASED = [
    "what's 2+2?",
    "What color is the cube?",
    "$5 + <3> = ^x | `y` ~ \\z",
    "a+b=c",
    "100%",
    "2^10 = 1024",
    "e=mc^2",
    "x<y>x",
    "@you #play &",
    "don't",
    "it's the dog's ball",
    "'quoted' \"double\"",
    "naïve café résumé",
    "NAÏVE CAFÉ",
    "Über",
    "Straße STRASSE",
    "ΟΔΟΣ",
    "ΟΔΟΣ σας",
    "中国人",
    "東京is日本",
    "日本語 text",
    "한국",
    "😀",
    "😀😀 ❤️",
    "red😀",
    "tab\there",
    "new\nline\r\nwindows",
    "no\u00a0break\u2003em",
    "zero\u200bwidth",
    "soft\u00adhyphen",
    "bell\u0007char",
    "vertical\u000btab",
    "line\u2028separator",
    "nul\u0000char",
    "replace\ufffdment",
    "private\ue000use",
    "",
    "   ",
    "\t\n",
    "...",
    "¿Qué? ¡Sí!",
    "«quote» — dash – dash",
    "“curly” ‘single’ …",
    "、。「」",
    "a" * 100,
    "a" * 101,
    "a" * 99 + "😀",
    "a" * 99 + "😀😀",
    "playing played playable",
    "unknown zzz",
    "cubes balls",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "Is there a [MASK] cube?",
    "red[MASK]blue",
    "[mask] lowercase is not special",
    "ｆｕｌｌ width",
    "ﬁ ligature",
    "ǅ titlecase",
    "Ⅰ roman Ⓐ circled",
    "İ dotted",
    "π≈3.14",
    "0.5 1,000 10-20",
    "what what what what what what what what what what what what what what",
    "red, blue, green; cube: ball!",
    "a-b_c",
    "e\u0301 combining",
    "x\u0308y",
]

CASES_CASED = [
    "What color is the Cube?",
    "Red red RED",
    "café naïve",
    "what's 2+2?",
    "中国 Red",
]


def main():
    vocab_list = vocabulary()
    with open(os.path.join(HERE, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        for token in vocab_list:
            f.write(token + "\n")
    vocab = {t: i for i, t in enumerate(vocab_list)}
    cases = [encode(t, True, 16, vocab) for t in CASES_UNCASED]
    cases += [encode(t, False, 16, vocab) for t in CASES_CASED]
    cases += [encode("what is the color of the red cube", True, 6, vocab)]
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"vocabulary": "vocab.txt", "generator": "make_bert_tokens.py", "cases": cases}, f, ensure_ascii=True, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases, {len(vocab_list)} tokens")


if __name__ == "__main__":
    main()
