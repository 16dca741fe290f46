#!/usr/bin/env node
// The `forkwatch` command: runs the TypeScript CLI (src-main/cli/index.ts) through tsx; the
// CLI reads process.argv itself. tsx gets tsconfig.node.json so that path aliases such as
// @contract resolve as they do for the type checker and the Electron build.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)) });
await import(new URL('../src-main/cli/index.ts', import.meta.url).href);
