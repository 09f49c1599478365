/** Element-wise activations applied in place to a rows×width block. */
export type Activation = 'tanh' | 'relu' | 'pqn' | 'identity';
export const ACTIVATIONS = ['tanh', 'relu', 'pqn', 'identity'] as const;

export function activate(kind: Activation, y: Float32Array, rows: number, width: number): void {
  const len = rows * width;
  switch (kind) {
    case 'identity':
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) y[i] = Math.tanh(y[i]);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) if (y[i] < 0) y[i] = 0;
      return;
    case 'pqn':
      // PQN's activation: relu(layernorm(x)), a parameter-free layer norm over each row.
      for (let r = 0; r < rows; r++) {
        const o = r * width;
        let s = 0;
        for (let j = 0; j < width; j++) s += y[o + j];
        const mean = s / width;
        let v = 0;
        for (let j = 0; j < width; j++) v += (y[o + j] - mean) ** 2;
        const inv = 1 / Math.sqrt(v / width + 1e-5);
        for (let j = 0; j < width; j++) {
          const z = (y[o + j] - mean) * inv;
          y[o + j] = z > 0 ? z : 0;
        }
      }
      return;
  }
}
