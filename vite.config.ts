// The renderer build: one static page that runs inside Electron (file://, hence base './')
// and inside the Node host (served from dist/renderer). It reaches the main process only
// through `window.oncall`, so nothing here needs a dev proxy or Node polyfills.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // A desktop page loaded from disk or loopback, not over a slow network: one ~0.8 MB chunk
    // (React plus SIP.js) is fine, so only warn well above that.
    chunkSizeWarningLimit: 2048,
  },
});
