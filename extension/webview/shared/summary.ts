/** The sample and the model's answer: image, question, top answers with probabilities, ground truth. */
import type { ExplanationResult } from '../../src/daemon/protocol';
import { h } from './dom';

export function renderSample(question: string | undefined, imageUri: string | undefined, answer?: string): HTMLElement {
  return h(
    'section',
    { class: 'sample', id: 'sample' },
    imageUri ? h('img', { class: 'sample-image', id: 'sample-image', attrs: { src: imageUri, alt: 'the sample image' } }) : null,
    h(
      'div',
      { class: 'sample-text' },
      h('div', { class: 'field-label', text: 'Question' }),
      h('p', { class: 'question', id: 'question', text: question ?? '' }),
      answer !== undefined ? h('div', { class: 'truth', id: 'truth' }, h('span', { class: 'field-label', text: 'Ground truth ' }), h('b', { text: answer })) : null,
    ),
  );
}

export function renderPrediction(result: ExplanationResult, idPrefix = ''): HTMLElement {
  const predicted = result.labels[result.prediction.label] ?? String(result.prediction.label);
  const truth = result.sample.answer;
  const verdict = truth === undefined ? null : truth === predicted ? h('span', { class: 'verdict ok', text: '✓ matches the ground truth' }) : h('span', { class: 'verdict wrong', text: `✗ ground truth is “${truth}”` });
  const list = h('ol', { class: 'top-answers', id: `${idPrefix}top-answers` });
  const top = result.prediction.top.slice(0, 5);
  for (const a of top) {
    const bar = h('span', { class: 'prob-bar' });
    bar.style.width = `${Math.max(0, Math.min(100, a.probability * 100)).toFixed(1)}%`;
    list.append(
      h(
        'li',
        { class: a.index === result.prediction.label ? 'answer predicted' : 'answer', data: { label: String(a.index) } },
        h('span', { class: 'answer-label', text: a.label }),
        h('span', { class: 'prob' }, bar),
        h('span', { class: 'prob-text', text: `${(a.probability * 100).toFixed(1)}%` }),
      ),
    );
  }
  return h(
    'section',
    { class: 'prediction' },
    h('div', { class: 'field-label', text: 'Prediction' }),
    h('div', { class: 'predicted' }, h('b', { class: 'predicted-label', id: `${idPrefix}prediction`, text: predicted }), ' ', verdict),
    list,
  );
}
