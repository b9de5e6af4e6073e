/** Names for image regions that a reader (or a screen reader) can place: "region 5 (top left)". Pure. */
import type { SegmentationInfo as Segmentation } from '../../src/daemon/protocol';

const ROWS = ['top', 'middle', 'bottom'] as const;
const COLUMNS = ['left', 'centre', 'right'] as const;

/** Where each region's centre of mass lies, in thirds of the image. */
export function regionPlaces(seg: Segmentation): string[] {
  const sx = new Float64Array(seg.count);
  const sy = new Float64Array(seg.count);
  const n = new Float64Array(seg.count);
  for (let y = 0; y < seg.height; y++) {
    for (let x = 0; x < seg.width; x++) {
      const id = seg.map[y * seg.width + x]!;
      if (id < 0 || id >= seg.count) continue;
      sx[id] = sx[id]! + x;
      sy[id] = sy[id]! + y;
      n[id] = n[id]! + 1;
    }
  }
  const places: string[] = [];
  for (let id = 0; id < seg.count; id++) {
    if (n[id] === 0) {
      places.push('empty');
      continue;
    }
    const row = ROWS[Math.min(2, Math.floor((sy[id]! / n[id]! / seg.height) * 3))]!;
    const col = COLUMNS[Math.min(2, Math.floor((sx[id]! / n[id]! / seg.width) * 3))]!;
    places.push(row === 'middle' && col === 'centre' ? 'centre' : row === 'middle' ? col : col === 'centre' ? row : `${row} ${col}`);
  }
  return places;
}

export function regionName(id: number, places: readonly string[]): string {
  return `region ${id} (${places[id] ?? '?'})`;
}
