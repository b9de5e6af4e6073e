import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_FIELDS } from '../../src/config/settings';
import { clevrImageCandidates, clevrQuestionSpans, clevrSampleAt, detectFormat, jsonlImagePath, jsonlSampleAt, jsonlSampleLines } from '../../src/datasets/sampleAtCursor';

const JSONL = [
  '{"id": "0000", "image": "images/0000.png", "question": "does the picture contain a purple triangle?", "answer": "no", "type": "exist"}',
  '',
  '{"id": "0001", "image": "images/0001.png", "question": "what shape is the small green object?", "answer": "triangle"}',
  '   ',
  '{"id": 7, "image": "images/0007.png", "question": "how many circles are there?", "answer": 2}',
  '{"image": "images/x.png"}',
  '{not json',
  '[1, 2]',
  '{"uid": "u9", "img": "images/0009.png", "text": "is it red?", "label": true}',
].join('\r\n');

describe('JSONL sample at cursor', () => {
  test('the index counts only non-blank lines', () => {
    const r = jsonlSampleAt(JSONL, 2, DEFAULT_FIELDS);
    assert.ok(r.ok);
    assert.deepEqual(r.sample, { format: 'jsonl', index: 1, line: 2, id: '0001', image: 'images/0001.png', question: 'what shape is the small green object?', answer: 'triangle' });
    const third = jsonlSampleAt(JSONL, 4, DEFAULT_FIELDS);
    assert.ok(third.ok);
    assert.equal(third.sample.index, 2);
    assert.equal(third.sample.id, '7');
    assert.equal(third.sample.answer, '2');
  });

  test('configurable field names', () => {
    const text = '{"picture": "a.png", "q": "is it red?", "label": "yes", "key": "k1"}';
    const r = jsonlSampleAt(text, 0, { image: 'picture', question: 'q', answer: 'label', id: 'key' });
    assert.ok(r.ok);
    assert.equal(r.sample.image, 'a.png');
    assert.equal(r.sample.question, 'is it red?');
    assert.equal(r.sample.answer, 'yes');
    assert.equal(r.sample.id, 'k1');
    const wrong = jsonlSampleAt(text, 0, DEFAULT_FIELDS);
    assert.ok(!wrong.ok && wrong.error.includes('"image"') && wrong.error.includes('dime.dataset.fields.image'));
  });

  test('with the default names, the daemon\'s fallbacks apply; unreadable lines do not count', () => {
    const r = jsonlSampleAt(JSONL, 8, DEFAULT_FIELDS);
    assert.ok(r.ok);
    // readable samples above: lines 1, 3 and 5 (line 6 has no question, 7 is not JSON, 8 is an array)
    assert.equal(r.sample.index, 3);
    assert.equal(r.sample.image, 'images/0009.png');
    assert.equal(r.sample.question, 'is it red?');
    assert.equal(r.sample.answer, 'true');
    assert.equal(r.sample.id, 'u9');
    // a configured name turns the fallbacks off
    const strict = jsonlSampleAt(JSONL, 8, { ...DEFAULT_FIELDS, question: 'q' });
    assert.ok(!strict.ok);
  });

  test('clear errors for blank lines, bad JSON, missing fields, non-objects, out of range', () => {
    const cases: [number, RegExp][] = [
      [1, /line 2 is blank/],
      [3, /line 4 is blank/],
      [5, /no "question" field/],
      [6, /line 7 is not valid JSON/],
      [7, /line 8 is not a JSON object/],
      [99, /outside the file/],
    ];
    for (const [line, pattern] of cases) {
      const r = jsonlSampleAt(JSONL, line, DEFAULT_FIELDS);
      assert.ok(!r.ok, `line ${line}`);
      assert.match(r.error, pattern);
    }
  });

  test('sample lines for the CodeLens, capped', () => {
    assert.deepEqual(jsonlSampleLines(JSONL), [0, 2, 4, 5, 6, 7, 8]);
    assert.deepEqual(jsonlSampleLines(JSONL, 2), [0, 2]);
    assert.deepEqual(jsonlSampleLines(''), []);
  });

  test('image paths are relative to the dataset file', () => {
    assert.equal(jsonlImagePath('/data/demo/samples.jsonl', 'images/0001.png'), '/data/demo/images/0001.png');
    assert.equal(jsonlImagePath('/data/demo/samples.jsonl', '/abs/x.png'), '/abs/x.png');
  });
});

const CLEVR = `{
  "info": {"split": "val", "note": "a } and a ] inside a string, and an escaped \\" quote"},
  "questions": [
    {
      "image_index": 0,
      "split": "val",
      "image_filename": "CLEVR_val_000000.png",
      "question": "Are there more {big} cubes than [small] spheres?",
      "answer": "yes",
      "program": [{"inputs": [], "function": "scene", "value_inputs": []}],
      "question_index": 0
    },
    {
      "image_index": 0,
      "split": "val",
      "image_filename": "CLEVR_val_000000.png",
      "question": "What color is the \\"large\\" cylinder?",
      "answer": "gray",
      "question_index": 1
    },
    {"image_filename": "CLEVR_val_000001.png", "question": "How many things?", "answer": 3}
  ]
}`;

describe('matching the daemon\'s samples', () => {
  test('JSONL by 1-based line, CLEVR by question and id', async () => {
    const { confirmsSample } = await import('../../src/datasets/sampleMatch');
    const cursor = { format: 'jsonl' as const, index: 1, line: 2, image: 'i', question: 'q' };
    assert.ok(confirmsSample({ index: 1, id: 'x', imagePath: '/i', question: 'other', line: 3 }, cursor));
    assert.equal(confirmsSample({ index: 1, id: 'x', imagePath: '/i', question: 'q', line: 2 }, cursor), false);
    const clevr = { format: 'clevr' as const, index: 0, line: 5, image: 'i', question: 'q', id: '7' };
    assert.ok(confirmsSample({ index: 0, id: '7', imagePath: '/i', question: 'q' }, clevr));
    assert.equal(confirmsSample({ index: 0, id: '8', imagePath: '/i', question: 'q' }, clevr), false);
  });
});

describe('CLEVR questions JSON at cursor', () => {
  test('spans of the questions skip strings with brackets and escapes', () => {
    const spans = clevrQuestionSpans(CLEVR);
    assert.equal(spans.length, 3);
    for (const s of spans) assert.equal(CLEVR[s.start], '{');
    assert.deepEqual(JSON.parse(CLEVR.slice(spans[1]!.start, spans[1]!.end)).question, 'What color is the "large" cylinder?');
  });

  test('the question that contains the cursor, even inside nested objects', () => {
    const inProgram = CLEVR.indexOf('"scene"');
    const r = clevrSampleAt(CLEVR, inProgram);
    assert.ok(r.ok);
    assert.equal(r.sample.index, 0);
    assert.equal(r.sample.image, 'CLEVR_val_000000.png');
    assert.equal(r.sample.question, 'Are there more {big} cubes than [small] spheres?');
    assert.equal(r.sample.split, 'val');
    assert.equal(r.sample.id, '0');
    assert.equal(r.sample.line, 3);

    const second = clevrSampleAt(CLEVR, CLEVR.indexOf('"gray"'));
    assert.ok(second.ok);
    assert.equal(second.sample.index, 1);
    assert.equal(second.sample.answer, 'gray');

    const third = clevrSampleAt(CLEVR, CLEVR.indexOf('How many'));
    assert.ok(third.ok);
    assert.equal(third.sample.index, 2);
    assert.equal(third.sample.answer, '3');
    assert.equal(third.sample.id, '3', 'the daemon\'s id: the 1-based position when there is no question_index');
  });

  test('the index counts only usable questions, like the daemon', () => {
    const text = '{"questions": [{"question": "no image"}, {"image_filename": "a.png", "question": "first?"}, {"image_filename": "b.png", "question": "second?"}]}';
    const r = clevrSampleAt(text, text.indexOf('second?'));
    assert.ok(r.ok);
    assert.equal(r.sample.index, 1);
    assert.equal(r.sample.id, '3');
  });

  test('a cursor between questions takes the next one; before the array, the first', () => {
    const between = CLEVR.indexOf('},\n    {') + 2;
    const r = clevrSampleAt(CLEVR, between);
    assert.ok(r.ok && r.sample.index === 1);
    const top = clevrSampleAt(CLEVR, 0);
    assert.ok(top.ok && top.sample.index === 0);
  });

  test('minified files work too', () => {
    const min = JSON.stringify(JSON.parse(CLEVR));
    const r = clevrSampleAt(min, min.indexOf('How many'));
    assert.ok(r.ok);
    assert.equal(r.sample.index, 2);
    assert.equal(r.sample.line, 0);
  });

  test('errors: not CLEVR, empty, truncated, a question without image', () => {
    assert.match((clevrSampleAt('{"foo": 1}', 0) as { error: string }).error, /no "questions" array/);
    assert.match((clevrSampleAt('{"questions": []}', 0) as { error: string }).error, /empty/);
    assert.match((clevrSampleAt('{"questions": [{"question": "x"', 5) as { error: string }).error, /not a CLEVR questions file/);
    assert.match((clevrSampleAt('{"questions": [{"question": "x"}]}', 17) as { error: string }).error, /no "image_filename"/);
  });

  test('image candidates follow CLEVR_v1.0 layout first', () => {
    assert.deepEqual(clevrImageCandidates('/d/CLEVR_v1.0/questions/CLEVR_val_questions.json', 'CLEVR_val_000000.png', 'val'), [
      '/d/CLEVR_v1.0/images/val/CLEVR_val_000000.png',
      '/d/CLEVR_v1.0/images/CLEVR_val_000000.png',
      '/d/CLEVR_v1.0/questions/images/CLEVR_val_000000.png',
      '/d/CLEVR_v1.0/questions/images/val/CLEVR_val_000000.png',
    ]);
    const noSplit = clevrImageCandidates('/d/q/questions.json', 'a.png');
    assert.deepEqual(noSplit, ['/d/images/a.png', '/d/q/images/a.png']);
  });

  test('format detection', () => {
    assert.equal(detectFormat('/x/samples.jsonl'), 'jsonl');
    assert.equal(detectFormat('/x/S.NDJSON'), 'jsonl');
    assert.equal(detectFormat('/x/q.json', CLEVR), 'clevr');
    assert.equal(detectFormat('/x/package.json', '{"name": "x"}'), undefined);
    assert.equal(detectFormat('/x/image.png'), undefined);
  });
});
