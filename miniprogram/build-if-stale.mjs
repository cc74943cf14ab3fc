#!/usr/bin/env node
/**
 * Builds the H5 app (vite) only when a source is newer than the last build,
 * so `npm start` and the browser tests always serve the current app without
 * paying for a rebuild every time. Sources: miniprogram/{index.html,
 * vite.config.ts, src/**, public/**}, the core/ modules the app imports, and
 * package-lock.json (a dependency upgrade).
 *
 *   node miniprogram/build-if-stale.mjs          # build if stale
 *   node miniprogram/build-if-stale.mjs --force  # always build
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const stamp = path.join(here, 'dist', 'index.html');

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'dist') max = Math.max(max, newest(path.join(p, e)));
  return max;
}

const sources = [
  path.join(here, 'index.html'), path.join(here, 'vite.config.ts'), path.join(here, 'src'), path.join(here, 'public'),
  path.join(root, 'core'), path.join(root, 'package-lock.json'),
];
const force = process.argv.includes('--force');
const builtAt = () => (existsSync(stamp) ? statSync(stamp).mtimeMs : 0);
const isStale = () => builtAt() <= Math.max(...sources.map(newest));

if (!force && !isStale()) {
  console.log('H5 app is up to date (miniprogram/dist).');
  process.exit(0);
}

// Several processes (two test runs, npm start beside a test run) may get here at
// once: one builds, the others wait for it and then find the build fresh.
const lock = path.join(here, '.build-lock');
const deadline = Date.now() + 180_000;
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) { console.error('another H5 build did not finish in 3 minutes'); process.exit(1); }
    spawnSync(process.execPath, ['-e', 'setTimeout(() => {}, 500)']);
  }
}
let status = 0;
try {
  if (!force && !isStale()) {
    console.log('H5 app was built meanwhile (miniprogram/dist).');
  } else {
    console.log(builtAt() ? 'H5 sources changed: building miniprogram/dist …' : 'Building the H5 app into miniprogram/dist …');
    // build beside, then swap: a server already running never sees a half-written dist
    const next = path.join(here, `dist.next-${process.pid}`);
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build',
      '--config', path.join(here, 'vite.config.ts'), '--outDir', next, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    status = r.status ?? 1;
    if (status === 0) {
      precompress(next);
      const dist = path.join(here, 'dist');
      const prev = path.join(here, `dist.prev-${process.pid}`);
      if (existsSync(dist)) renameSync(dist, prev);
      renameSync(next, dist);
      rmSync(prev, { recursive: true, force: true });
    } else {
      rmSync(next, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
process.exit(status);

/** `x.js.gz` beside each text asset: the server sends it to clients that accept gzip (no CPU per request). */
function precompress(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) precompress(p);
    else if (/\.(js|css|html|svg|json|wasm)$/.test(e.name) && statSync(p).size > 1024) writeFileSync(`${p}.gz`, gzipSync(readFileSync(p), { level: 9 }));
  }
}
