/**
 * The one diverging colour scale every cell uses (pure): blue for negative weights, red for positive,
 * symmetric around 0 (ColorBrewer RdBu). Its constants come from the daemon's scale
 * (src/Dime.Daemon/Reports/ColorScale.cs, the source, also used by the HTML report) through the generated
 * colorScale.generated.ts; a unit test checks this code against colours the daemon computed.
 * t = weight / max in [-1, 1].
 */
import { ALPHA_FLOOR, HUE_FLOOR, STOPS, type Rgb } from './colorScale.generated';

export type { Rgb };

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export function diverging(t: number): Rgb {
  const x = ((clamp(Number.isFinite(t) ? t : 0, -1, 1) + 1) / 2) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Opacity of a coloured feature: stronger weights are more opaque, scaled by the user's opacity. */
export function alphaFor(t: number, opacity: number): number {
  return clamp(opacity, 0, 1) * (ALPHA_FLOOR + (1 - ALPHA_FLOOR) * Math.min(1, Math.abs(Number.isFinite(t) ? t : 0)));
}

/**
 * The colour of a weight on the shared scale, for overlays, words and the legend alike: the diverging
 * hue skips the near-white middle (a visible feature always shows its sign), and the opacity carries
 * the magnitude, so weak features let the image show through.
 */
export function weightColour(t: number, opacity: number): { rgb: Rgb; alpha: number } {
  const x = clamp(Number.isFinite(t) ? t : 0, -1, 1);
  // a weight of 0 has no sign to show: transparent, as in the daemon's report
  if (x === 0) return { rgb: [0, 0, 0], alpha: 0 };
  const hue = Math.sign(x) * (HUE_FLOOR + (1 - HUE_FLOOR) * Math.abs(x));
  return { rgb: diverging(hue), alpha: alphaFor(x, opacity) };
}

/** The symmetric bound of the scale: the largest |value| (0 when all are 0). */
export function symmetricMax(...arrays: readonly (readonly number[])[]): number {
  let max = 0;
  for (const arr of arrays) for (const v of arr) if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
  return max;
}

export function ticks(max: number, count = 5): number[] {
  if (max <= 0) return [0];
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(-max + (2 * max * i) / (count - 1));
  return out;
}

export function formatWeight(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const s = abs >= 100 ? v.toFixed(1) : abs >= 1 ? v.toFixed(3) : abs >= 0.001 ? v.toFixed(4) : v.toExponential(2);
  return v > 0 ? `+${s}` : s;
}

export function formatValue(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

export function rgba(c: Rgb, a: number): string {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a.toFixed(3)})`;
}

/** Relative luminance (WCAG) of an sRGB colour. */
export function luminance(c: Rgb): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

export function blend(over: Rgb, alpha: number, under: Rgb): Rgb {
  return [0, 1, 2].map((i) => Math.round(over[i]! * alpha + under[i]! * (1 - alpha))) as Rgb;
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: Rgb): Rgb {
  return luminance(background) > 0.35 ? [0, 0, 0] : [255, 255, 255];
}

/** Parses "#rgb", "#rrggbb", "#rrggbbaa" or "rgb(a)(r, g, b[, a])"; undefined otherwise. */
export function parseColor(text: string): Rgb | undefined {
  const s = text.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]!].map((c) => parseInt(c + c, 16)) as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1]!.slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => clamp(Math.round(v), 0, 255)) as Rgb;
  return undefined;
}
