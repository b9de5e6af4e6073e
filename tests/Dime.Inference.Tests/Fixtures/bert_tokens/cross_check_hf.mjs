// Cross-check of cases.json against Hugging Face's Rust tokenizers (npm @anush008/tokenizers 0.6.0): a BERT
// tokenizer.json (BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing) over vocab.txt.
// Offline tool, not part of the tests:
//   npm install @anush008/tokenizers@0.6.0 && node cross_check_hf.mjs [path/to/node_modules]
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(process.argv[2] ?? process.cwd(), 'x.js'));
const { Tokenizer } = require('@anush008/tokenizers');

const vocabList = readFileSync(join(here, 'vocab.txt'), 'utf8').split('\n').filter((line, i, all) => i < all.length - 1 || line.length > 0);
const vocab = Object.fromEntries(vocabList.map((token, id) => [token, id]));
const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const folder = mkdtempSync(join(tmpdir(), 'bert-'));

function tokenizerFile(lowercase, maxLength) {
  const special = (t) => ({ SpecialToken: { id: t, type_id: 0 } });
  const json = {
    version: '1.0',
    truncation: { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: { strategy: { Fixed: maxLength }, direction: 'Right', pad_to_multiple_of: null, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' },
    added_tokens: specials.map((t) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, special('[SEP]')],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [vocab[t]], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const path = join(folder, `tokenizer-${lowercase}-${maxLength}.json`);
  writeFileSync(path, JSON.stringify(json));
  return Tokenizer.fromFile(path);
}

const { cases } = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));
let equal = 0;
for (const c of cases) {
  const encoding = await tokenizerFile(c.lowercase, c.maxLength).encode(c.text);
  const ids = Array.from(encoding.getIds());
  if (JSON.stringify(ids) === JSON.stringify(c.ids)) equal++;
  else console.log(`differs: ${JSON.stringify(c.text)}\n  hf:        ${JSON.stringify(ids)}\n  reference: ${JSON.stringify(c.ids)}`);
}
console.log(`Hugging Face tokenizers: ${equal}/${cases.length} cases equal`);
