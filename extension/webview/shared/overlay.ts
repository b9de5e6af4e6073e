/** The per-segment heatmap drawn on a canvas layered over the image. */
import type { SegmentationInfo as Segmentation } from '../../src/daemon/protocol';
import { weightColour, type Rgb } from './colorScale';

export interface OverlayModel {
  segmentation: Segmentation;
  weights: readonly number[];
  visible: readonly boolean[];
  /** Bound of the shared scale. */
  max: number;
  opacity: number;
  borders: boolean;
  borderColor: Rgb;
  /**
   * fill: each region filled with its colour (over the grey base);
   * contour: each coloured region outlined in its colour with a light tint inside (over the colour image,
   * whose own colours stay readable).
   */
  style?: 'fill' | 'contour';
}

const CONTOUR_TINT = 0.3;

/** Draws the overlay; returns how many segments were coloured. */
export function drawOverlay(canvas: HTMLCanvasElement, m: OverlayModel): number {
  const { width, height, map, count } = m.segmentation;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const contour = m.style === 'contour';
  const colours = new Uint8ClampedArray(count * 4);
  let coloured = 0;
  for (let s = 0; s < count; s++) {
    if (!m.visible[s] || m.max <= 0) continue;
    const { rgb, alpha } = weightColour((m.weights[s] ?? 0) / m.max, m.opacity);
    const a = contour ? alpha * CONTOUR_TINT : alpha;
    colours.set([rgb[0], rgb[1], rgb[2], Math.max(1, Math.round(a * 255))], s * 4);
    coloured++;
  }
  const image = ctx.createImageData(width, height);
  const px = image.data;
  const [br, bg, bb] = m.borderColor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = map[i]!;
      const o = i * 4;
      if (m.borders && ((x + 1 < width && map[i + 1] !== id) || (y + 1 < height && map[i + width] !== id))) {
        px[o] = br;
        px[o + 1] = bg;
        px[o + 2] = bb;
        px[o + 3] = 230;
        continue;
      }
      if (contour && colours[id * 4 + 3]! > 0 && onEdge(map, width, height, x, y, id)) {
        px[o] = colours[id * 4]!;
        px[o + 1] = colours[id * 4 + 1]!;
        px[o + 2] = colours[id * 4 + 2]!;
        px[o + 3] = 255;
        continue;
      }
      px[o] = colours[id * 4]!;
      px[o + 1] = colours[id * 4 + 1]!;
      px[o + 2] = colours[id * 4 + 2]!;
      px[o + 3] = colours[id * 4 + 3]!;
    }
  }
  ctx.putImageData(image, 0, 0);
  canvas.dataset['coloured'] = String(coloured);
  return coloured;
}

/** The segment under a mouse event on the (CSS-scaled) canvas, or -1. */
export function segmentAt(canvas: HTMLCanvasElement, segmentation: Segmentation, event: MouseEvent): number {
  const rect = canvas.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return -1;
  const x = Math.floor(((event.clientX - rect.left) / rect.width) * segmentation.width);
  const y = Math.floor(((event.clientY - rect.top) / rect.height) * segmentation.height);
  if (x < 0 || y < 0 || x >= segmentation.width || y >= segmentation.height) return -1;
  return segmentation.map[y * segmentation.width + x] ?? -1;
}

/** Whether (x, y) lies on the inner edge of its region (a 4-neighbour belongs to another region or the border). */
function onEdge(map: ArrayLike<number>, width: number, height: number, x: number, y: number, id: number): boolean {
  const i = y * width + x;
  return x === 0 || y === 0 || x === width - 1 || y === height - 1 || map[i - 1] !== id || map[i + 1] !== id || map[i - width] !== id || map[i + width] !== id;
}

/** Outlines one region (the hovered or focused one) on its own canvas layer; -1 clears it. */
export function drawOutline(canvas: HTMLCanvasElement, segmentation: Segmentation, region: number, colour: Rgb): void {
  const { width, height, map } = segmentation;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  if (region >= 0) {
    const px = image.data;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (map[y * width + x] !== region || !onEdge(map, width, height, x, y, region)) continue;
        const o = (y * width + x) * 4;
        px[o] = colour[0];
        px[o + 1] = colour[1];
        px[o + 2] = colour[2];
        px[o + 3] = 255;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
  canvas.dataset['region'] = String(region);
}
