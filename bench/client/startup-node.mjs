// One Node start-up sample, run in a fresh process by run.mjs:
//   node bench/client/startup-node.mjs <file URL of a module that re-exports the package>
// Prints JSON: ms from process start to this line (t0), import done, createClient resolved.
const t0 = performance.now();
const { createClient } = await import(process.argv[2]);
const t1 = performance.now();
await createClient({ apiKey: 'sandbox-key', baseUrl: 'http://127.0.0.1:9/services/v2' });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ t0, importMs: t1 - t0, readyMs: t2 - t0, sinceProcessStart: t2 }) + '\n');
