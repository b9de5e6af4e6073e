// Generated from src/Dime.Daemon/Reports/ColorScale.cs by tests/Dime.Daemon.Tests/ColorScaleContractTests.cs: do not edit.
// Regenerate: DIME_UPDATE_GENERATED=1 dotnet test tests/Dime.Daemon.Tests -c Release --filter ColorScaleContract
export type Rgb = [number, number, number];

/** RdBu stops from t = -1 (dark blue) through 0 to +1 (dark red). */
export const STOPS: readonly Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [103, 169, 207],
  [247, 247, 247],
  [239, 138, 98],
  [178, 24, 43],
  [103, 0, 31],
];

/** Where the weakest visible weight starts on the ramp (never white). */
export const HUE_FLOOR = 0.3;

/** Opacity of the weakest visible weight. */
export const ALPHA_FLOOR = 0.25;

/** How opaque the heat is over the image until the user changes it (the report's overlays use it too). */
export const DEFAULT_OPACITY = 0.6;

/** [t, r, g, b, alpha] as the daemon computes them (weight t on a scale of 1, full opacity). */
export const REFERENCE_COLOURS: readonly (readonly [number, number, number, number, number])[] = [
  [-1, 5, 48, 97, 1],
  [-0.75, 20, 76, 136, 0.8125],
  [-0.5, 37, 105, 174, 0.625],
  [-0.2, 81, 148, 196, 0.4],
  [-0.01, 114, 175, 210, 0.2575],
  [0, 0, 0, 0, 0],
  [0.01, 240, 147, 110, 0.2575],
  [0.2, 219, 102, 80, 0.4],
  [0.5, 181, 30, 46, 0.625],
  [0.75, 142, 13, 37, 0.8125],
  [1, 103, 0, 31, 1],
];
