import { fillNormals } from '../src/rng/normal.js';
import { namedStream } from '../src/rng/stream.js';
import { Snes } from '../src/es/flat/snes.js';
const d = 100000, z = new Float32Array(d);
for (let w = 0; w < 3; w++) { const t = performance.now(); for (let k = 0; k < 38; k++) fillNormals(namedStream(1, 'snes', w, k), 0, z, 0, d); console.log('normals 38×1e5', (performance.now() - t).toFixed(1), 'ms'); }
const es = new Snes(new Float64Array(d), 0.1, { seed: 1 });
const fit = Float64Array.from({ length: es.lambda }, (_, k) => k);
for (let w = 0; w < 3; w++) { let t = performance.now(); es.ask(); const a = performance.now() - t; t = performance.now(); es.tell(fit); console.log('snes ask', a.toFixed(1), 'tell', (performance.now() - t).toFixed(1)); }
