import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// electron-vite 6 only finds entries by itself under src/main, src/preload and src/renderer,
// so every entry here is explicit. Output goes to out/{main,preload,renderer}.

const root = import.meta.dirname;

const alias = {
  '@contract': resolve(root, 'src-main/contract'),
  '@renderer': resolve(root, 'src-renderer'),
};

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      rolldownOptions: {
        // Key `index` -> out/main/index.js, package.json's "main". The package is
        // "type": "module", so electron-vite emits an ES module (Electron >= 28 loads it).
        input: { index: resolve(root, 'src-main/electron/main.ts') },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      // A sandboxed preload can require only `electron` (and a few built-ins): bundle
      // everything else in, and emit CommonJS, since sandboxed preloads cannot be ES modules.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
        },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    resolve: { alias },
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
      },
    },
  },
});
