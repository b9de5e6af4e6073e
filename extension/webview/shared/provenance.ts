/**
 * The provenance of an explanation in its details (every input with its hash, the seeds, the software and
 * device), and "Reproduce": the host asks the daemon to compute the result again and the outcome shows here.
 */
import type { ExplanationResult, Provenance, ReproduceResult } from '../../src/daemon/protocol';
import type { ReproducedMessage } from '../../src/panels/messages';
import { table } from './details';
import { h } from './dom';
import { button } from './elements';

const short = (hash: string): string => hash.slice(0, 12);

function listed(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … (${items.length})`;
}

export function provenanceRows(p: Provenance, labels: readonly string[], warnings: readonly string[] = []): [string, string][] {
  const s = p.sample;
  const r = p.reference;
  const e = p.environment;
  const labelText = p.labels.resolved ? p.labels.resolved.map((i) => `${labels[i] ?? '?'} (#${i})`).join(', ') : `all ${labels.length}`;
  return [
    ['model', `${p.model.manifestPath} · sha256 ${short(p.model.hash)}`],
    ...(s.datasetPath
      ? ([['dataset', `${s.datasetPath}${s.line !== undefined ? ` · line ${s.line}` : ''} · sha256 ${short(s.datasetHash ?? '')}`]] as [string, string][])
      : []),
    ['image', `${s.imagePath} · sha256 ${short(s.imageHash)}`],
    ['reference', `${r.ids.length} samples of ${r.datasetPath} (seed ${r.seed}${r.stratified ? ', stratified' : ''}) · sha256 ${short(r.datasetHash)}`],
    ['reference ids', `${listed(r.ids)} · images sha256 ${short(r.imagesHash)}`],
    ['labels', labelText],
    ['random', `${p.random.algorithm} · seed ${p.random.seed} · reference seed ${p.random.referenceSeed}`],
    ['software', `DIME ${e.daemon} · .NET ${e.dotnet} · ONNX Runtime ${e.onnxRuntime} · ${e.architecture} ${e.simd} · ${e.deviceName}`],
    ...warnings.map((w): [string, string] => ['warning', w]),
  ];
}

/** One line for the outcome of "Reproduce". */
export function reproduceText(report: ReproduceResult): string {
  const seconds = `${(report.elapsedMs / 1000).toFixed(1)} s`;
  if (report.identical) return `Identical: ${report.compared} numbers, bit for bit (${seconds}).`;
  const largest = report.largest
    ? `largest difference ${report.largest.difference.toExponential(2)} at ${report.largest.path} (stored ${report.largest.stored}, now ${report.largest.reproduced}); `
    : '';
  const shapes = report.mismatches.length ? `${report.mismatches[0]}; ` : '';
  const verdict = report.withinTolerance
    ? `within the tolerance ${report.tolerance.toExponential(0)} for another environment (${report.environmentChanges.join('; ')})`
    : report.environmentChanges.length
      ? `beyond the tolerance ${report.tolerance.toExponential(0)} for another environment (${report.environmentChanges.join('; ')})`
      : 'same environment, so the numbers should have been identical';
  return `${report.withinTolerance ? 'Close' : 'Different'}: ${largest}${shapes}${report.differing} of ${report.compared} numbers differ, ${verdict}.`;
}

/** The provenance table with its "Reproduce" button and outcome line. */
export class ProvenanceSection {
  readonly element: HTMLElement;
  private readonly button = button('Reproduce', 'reproduce', true);
  private readonly outcome = h('div', { class: 'reproduce-outcome', id: 'reproduce-outcome', attrs: { 'aria-live': 'polite' } });

  constructor(result: ExplanationResult, onReproduce: () => void) {
    this.button.title = 'Compute this result again from its recorded inputs and compare every number';
    this.button.addEventListener('click', () => {
      if (this.button.disabled) return;
      this.button.disabled = true;
      this.outcome.dataset['state'] = 'running';
      this.outcome.textContent = 'Reproducing…';
      onReproduce();
    });
    const p = result.provenance;
    this.element = h(
      'div',
      { class: 'provenance' },
      h('h3', { text: 'Provenance' }),
      p ? table(provenanceRows(p, result.labels, result.warnings), 'provenance-table') : h('p', { text: 'This result records no provenance (an older daemon computed it).' }),
      h('div', { class: 'reproduce-row' }, this.button, this.outcome),
    );
    this.button.disabled = !p;
  }

  show(message: ReproducedMessage): void {
    this.button.disabled = false;
    if (message.report) {
      this.outcome.dataset['state'] = message.report.identical ? 'identical' : message.report.withinTolerance ? 'close' : 'different';
      this.outcome.textContent = reproduceText(message.report);
    } else {
      this.outcome.dataset['state'] = 'error';
      this.outcome.textContent = `Could not reproduce: ${message.error ?? 'unknown error'}`;
    }
  }
}
