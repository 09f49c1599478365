/**
 * The colours results are drawn in, shared by the SVG/PNG plots (io/plot.ts) and the playground's canvases, so a
 * weight reads the same in both: the diverging scale runs blue (low, −1) → white (0) → red (high, +1).
 */
export const DIVERGING: readonly (readonly [number, number, number])[] = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];

/** CSS colour of a stop. */
export const rgb = (s: readonly [number, number, number]): string => `rgb(${s[0]}, ${s[1]}, ${s[2]})`;

/** A ternary weight's colour (the playground's W¹): the diverging scale's ends, as in the CLI's w1.png. */
export const TERNARY_COLOUR: Readonly<Record<number, string>> = { [-1]: rgb(DIVERGING[0]), 0: '#ffffff', 1: rgb(DIVERGING[DIVERGING.length - 1]) };
