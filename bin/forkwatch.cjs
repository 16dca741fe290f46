#!/usr/bin/env node
// The `forkwatch` command. It runs src-main/cli/index.ts bundled into out/cli/forkwatch.cjs
// (esbuild, rebuilt here whenever a source file is newer than the bundle): a plain JS bundle
// starts faster and uses about 20 MB less memory than compiling TypeScript on the fly, which
// matters for a server whose start time and memory we measure. CommonJS, entry and bundle
// alike, because Node's ES module loader costs 5-20 ms of start-up that a CommonJS entry does
// not (measured on Node 20). If bundling is impossible, tsx runs the source.
'use strict';
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const root = path.join(__dirname, '..');
const bundleDir = path.join(root, 'out/cli');
const bundle = path.join(bundleDir, 'forkwatch.cjs');
const codeCache = `${bundle}.v8cache`;

/** Newest modification time under `dir` (TypeScript sources only). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource(path.join(root, 'src-main'));
  } catch {
    return false;
  }
}

async function buildBundle() {
  const { build } = require('esbuild');
  mkdirSync(path.dirname(bundleDir), { recursive: true });
  // Built beside and moved into place: a concurrent start never loads a half-written bundle.
  // What only --ui or --reload needs (ws, chokidar, the inspector host) is reached through
  // import() in the source, which esbuild turns into a deferred require: loaded only then.
  const temporary = `${bundleDir}.${process.pid}.tmp`;
  await build({
    entryPoints: { forkwatch: path.join(root, 'src-main/cli/index.ts') },
    outdir: temporary,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.node.json'),
    logLevel: 'error',
    // The sources are ES modules; in a CommonJS bundle import.meta is empty, so it is rebuilt
    // from the bundle's own location (out/cli sits as deep as src-main/gateway, so relative
    // paths such as ../../resources resolve the same).
    define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname' },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  rmSync(bundleDir, { recursive: true, force: true });
  renameSync(temporary, bundleDir);
}

/**
 * Runs the bundle as Node's require() would, but with V8's code cache: the bytecode of every
 * function the last run compiled, written when that run exited (so it holds the request path,
 * not just the top level). Like Python's .pyc files, it spares each start the parsing and
 * compiling: about 4 ms before the workers are spawned, and some of the first request.
 * A cache V8 rejects (another Node, a rebuilt bundle) is replaced at exit, and so is one that
 * covers less code than this run compiled.
 */
function runBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData });
  const loaded = cachedData && !script.cachedDataRejected ? cachedData.length : 0;
  process.once('exit', () => saveCodeCache(script, loaded));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, bundleDir);
}

/** Keeps the cache that covers the most code: `--help` must not stand in for a served request. */
function saveCodeCache(script, loadedBytes) {
  const temporary = `${codeCache}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    if (data.length <= loadedBytes) return;
    writeFileSync(temporary, data);
    renameSync(temporary, codeCache);
  } catch {
    rmSync(temporary, { force: true }); // a read-only install: every start compiles, that is all
  }
}

async function runSource() {
  const { pathToFileURL } = require('node:url');
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: path.join(root, 'tsconfig.node.json') });
  await import(pathToFileURL(path.join(root, 'src-main/cli/index.ts')).href);
}

function isMissingBundler(error) {
  return error?.code === 'MODULE_NOT_FOUND' && String(error?.message).includes('esbuild');
}

if (bundleIsFresh()) {
  runBundle();
} else {
  buildBundle().then(
    () => runBundle(),
    (error) => {
      if (!isMissingBundler(error)) throw error;
      return runSource();
    },
  );
}
