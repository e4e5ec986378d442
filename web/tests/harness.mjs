// What the browser tests and the benchmark share: a static server for
// web/dist on 127.0.0.1, Debian's chromium through playwright-core, and the
// claimlint command for the expected answers.

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
export const root = resolve(here, '..', '..');
export const dist = resolve(root, 'web', 'dist');
export const results = resolve(root, 'web', 'test-results');
export const claimlintBin = process.env.CLAIMLINT_BIN || resolve(root, 'target', 'debug', 'claimlint');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
};

/** Serves web/dist on 127.0.0.1 (a free port). Resolves to {url, close()}. */
export function serve() {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error('web/dist is missing: run `bash web/build.sh` first');
  }
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const file = normalize(join(dist, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dist) || !existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] || 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  });
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      done({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((closed) => {
          for (const socket of sockets) socket.destroy();
          server.close(closed);
        }),
      });
    });
  });
}

/** Debian's chromium, headless, with nothing reaching out to the network. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Runs the claimlint command on `text` read from standard input as
 * `draft.<ext>`, with no configuration (or the given one), in an empty
 * folder; `check: false` for a subcommand. Returns {stdout, status, dir}.
 */
export function cli(args, { text = '', config = null, check = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'claimlint-web-'));
  const extra = [];
  if (!check) {
    // A subcommand (rules, explain, --version) reads no configuration.
  } else if (config !== null) {
    writeFileSync(join(dir, 'playground.claimlint.yaml'), config);
    extra.push('--config', join(dir, 'playground.claimlint.yaml'));
  } else {
    extra.push('--isolated');
  }
  const run = spawnSync(claimlintBin, [...args, ...extra], {
    cwd: dir,
    input: text,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`claimlint ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  return { stdout: run.stdout, status: run.status, dir };
}

/** The JSON report `claimlint --format json` prints for `text`. */
export function cliReport(text, format = 'md', config = null) {
  return cli(['--format', 'json', '-', '--stdin-filename', `draft.${format}`], { text, config }).stdout;
}

/** Where screenshots go (git-ignored). */
export function resultsDir() {
  mkdirSync(results, { recursive: true });
  return results;
}
