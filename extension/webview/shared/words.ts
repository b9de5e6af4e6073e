/** The question's tokens, each coloured by its feature's weight on the shared scale. */
import type { TextToken } from '../../src/daemon/protocol';
import { blend, formatWeight, rgba, textOn, weightColour, type Rgb } from './colorScale';
import { h } from './dom';

export interface WordsModel {
  tokens: readonly TextToken[];
  features: readonly string[];
  weights: readonly number[];
  visible: readonly boolean[];
  max: number;
  background: Rgb;
}

/** Renders the tokens into `container`; returns how many features were coloured. */
export function renderWords(container: HTMLElement, m: WordsModel): number {
  const spaced = !m.tokens.some((t) => /\s/.test(t.text));
  const nodes: Node[] = [];
  const coloured = new Set<number>();
  m.tokens.forEach((token, i) => {
    if (spaced && i > 0) nodes.push(document.createTextNode(' '));
    if (token.feature < 0) {
      nodes.push(h('span', { class: 'sep', text: token.text }));
      return;
    }
    const w = m.weights[token.feature] ?? 0;
    const span = h('span', {
      class: 'word',
      text: token.text,
      data: { feature: String(token.feature), weight: String(w) },
      attrs: { tabindex: '0' },
    });
    if (m.visible[token.feature] && m.max > 0) {
      const { rgb: colour, alpha } = weightColour(w / m.max, 1);
      span.classList.add('hl', w > 0 ? 'pos' : 'neg');
      span.style.backgroundColor = rgba(colour, alpha);
      span.style.color = rgba(textOn(blend(colour, alpha, m.background)), 1);
      coloured.add(token.feature);
    }
    // the model's tokenizer turned this word into its unknown token: the model never saw the word itself
    const unknown = token.unknown === true;
    if (unknown) {
      span.classList.add('unk');
      span.title = 'Not in the model\u2019s vocabulary: the model saw its unknown token ([UNK]) here.';
    }
    span.setAttribute('aria-label', `${token.text}: ${formatWeight(w)}${unknown ? ', unknown to the model' : ''}`);
    nodes.push(span);
  });
  container.replaceChildren(...nodes);
  container.dataset['coloured'] = String(coloured.size);
  return coloured.size;
}
