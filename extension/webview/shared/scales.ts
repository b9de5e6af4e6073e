/**
 * The bound of the colour scale each cell uses (pure), by the view's scale mode:
 * - shared:   one bound for every cell of every result shown (colours compare everywhere);
 * - modality: one bound for the image cells and one for the word cells (a strong word no longer
 *             washes out the image, and the other way round);
 * - cell:     each cell its own bound (the pattern inside a cell, not its size against the others).
 */
import type { PartName } from '../../src/daemon/protocol';
import { symmetricMax } from './colorScale';
import { explanationFor, PARTS, type GridSource } from './view';

import type { ScaleMode } from '../../src/panels/messages';

export type { ScaleMode };
export type Modality = 'image' | 'text';
export const SCALE_MODES: readonly { value: ScaleMode; text: string }[] = [
  { value: 'shared', text: 'one for all cells' },
  { value: 'modality', text: 'one per modality' },
  { value: 'cell', text: 'one per cell' },
];

export function cellWeights(result: GridSource, label: number, modality: Modality, part: PartName): readonly number[] {
  const list = modality === 'image' ? result.image?.explanations : result.text?.explanations;
  return explanationFor(list, label)?.[part].weights ?? [];
}

/** The bound of one cell (result `index` of `results`) under `mode`. */
export function cellMax(results: readonly GridSource[], index: number, label: number, mode: ScaleMode, modality: Modality, part: PartName): number {
  if (mode === 'cell') return symmetricMax(cellWeights(results[index]!, label, modality, part));
  const modalities: readonly Modality[] = mode === 'modality' ? [modality] : ['image', 'text'];
  const arrays: (readonly number[])[] = [];
  for (const r of results) for (const m of modalities) for (const p of PARTS) arrays.push(cellWeights(r, label, m, p));
  return symmetricMax(...arrays);
}
