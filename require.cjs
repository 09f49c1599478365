// `require('eggroll')` lands here: the package is ES modules only (its kernels load with top-level await).
throw new Error("eggroll is an ES module package: use `import { … } from 'eggroll'` (Node 20+), or `const eggroll = await import('eggroll')` from CommonJS");
