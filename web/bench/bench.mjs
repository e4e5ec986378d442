// The playground's speed in Debian's chromium (headless), against web/dist
// served on 127.0.0.1. Prints a Markdown table (BENCHMARKS.md, "The web
// playground"). Never a test: numbers depend on the machine and its load.
//
//   node bench/bench.mjs POST.md [RUNS]
//
// - page ready: from navigation start to the page's `claimlint-ready` mark
//   (module compiled, rules compiled, first lint shown), in a fresh browser
//   context each time (nothing cached), and on a reload in the same context
//   (the service worker's cache and the browser's compiled-code cache);
// - re-lint: the draft holds POST; each edit changes one character and the
//   page's own `claimlint-lint` (call into claimlint.wasm, JSON answer
//   parsed) and `claimlint-render` (highlights and list rebuilt) measures
//   are read, after a few warm-up edits;
// - size: claimlint.wasm as served, gzip -9 and brotli.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dist, launch, serve } from '../tests/harness.mjs';

const [postPath, runsArg] = process.argv.slice(2);
if (!postPath) {
  console.error('usage: node bench/bench.mjs POST.md [RUNS]');
  process.exit(2);
}
const post = readFileSync(postPath, 'utf8');
const runs = Number(runsArg || 10);
const EDITS = 60;
const WARMUP = 10;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

const loadBefore = loadavg()[0];
const browser = await launch();
const server = await serve();

const stages = { module: [], rules: [] };

async function ready(page, record = false) {
  await page.waitForSelector('html[data-ready="true"]');
  const [module, rules, done] = await page.evaluate(() => ['claimlint-module', 'claimlint-rules', 'claimlint-ready']
    .map((name) => performance.getEntriesByName(name)[0].startTime));
  if (record) {
    stages.module.push(module);
    stages.rules.push(rules - module);
  }
  return done;
}

const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  cold.push(await ready(page, true));
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  warm.push(await ready(page));
  await context.close();
}

const context = await browser.newContext();
const page = await context.newPage();
await page.goto(server.url);
await ready(page);
await page.locator('#draft').fill(post);
const bytes = Buffer.byteLength(post);
const lint = [];
const render = [];
for (let i = 0; i < WARMUP + EDITS; i++) {
  const [l, r] = await page.evaluate(async (n) => {
    const draft = document.getElementById('draft');
    const before = performance.getEntriesByName('claimlint-lint').length;
    // One character typed at the end (or taken back), as a writer edits.
    draft.value = n % 2 ? draft.value.slice(0, -1) : `${draft.value}x`;
    draft.dispatchEvent(new Event('input', { bubbles: true }));
    while (performance.getEntriesByName('claimlint-lint').length === before) {
      await new Promise((done) => setTimeout(done, 10));
    }
    const last = (name) => performance.getEntriesByName(name).at(-1).duration;
    return [last('claimlint-lint'), last('claimlint-render')];
  }, i);
  if (i >= WARMUP) {
    lint.push(l);
    render.push(r);
  }
}
const findings = await page.locator('#findings li').count();
await context.close();
await browser.close();
await server.close();

const wasm = readFileSync(join(dist, 'claimlint.wasm'));
const gz = gzipSync(wasm, { level: 9 }).length;
const br = brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const total = lint.map((l, i) => l + render[i]);

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
console.log(`| what | median | min – max (or p95) | target |`);
console.log(`|---|--:|--:|---|`);
console.log(`| page ready, first visit (${runs} fresh contexts) | ${ms(median(cold))} | ${ms(Math.min(...cold))} – ${ms(Math.max(...cold))} | < 1 s |`);
console.log(`| … of which: page loaded and claimlint.wasm compiled | ${ms(median(stages.module))} | ${ms(Math.min(...stages.module))} – ${ms(Math.max(...stages.module))} | |`);
console.log(`| … of which: rules compiled (\`claimlint_init\`) | ${ms(median(stages.rules))} | ${ms(Math.min(...stages.rules))} – ${ms(Math.max(...stages.rules))} | |`);
console.log(`| page ready, reload (cached) | ${ms(median(warm))} | ${ms(Math.min(...warm))} – ${ms(Math.max(...warm))} | |`);
console.log(`| re-lint, ${bytes.toLocaleString('en')}-byte post, ${findings} findings: lint (${EDITS} edits) | ${ms(median(lint))} | p95 ${ms(pct(lint, 0.95))} | |`);
console.log(`| re-lint: render highlights and list | ${ms(median(render))} | p95 ${ms(pct(render, 0.95))} | |`);
console.log(`| re-lint: lint + render | ${ms(median(total))} | p95 ${ms(pct(total, 0.95))} | < 16 ms |`);
console.log(`| claimlint.wasm | ${mb(wasm.length)} | gzip -9 ${mb(gz)}, brotli ${mb(br)} | < 3 MB gzipped |`);
console.log();
console.log(`load average (1 min): ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at the end; ` +
  `${(await import('node:os')).cpus().length} cores`);
