/**
 * The renderer benchmarks' page (test/renderer/bench): built with Vite into a throwaway folder
 * and served over loopback, for Debian's Chromium to open. One entry per benchmark
 * (index.html: the task queue; wallboard.html: the wallboard and the screenshots).
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { ROOT } from '../support/api-server';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export interface BenchPage {
  /** the entry's address, without a query */
  url: string;
  close(): void;
}

export async function serveBenchPage(entry: 'index.html' | 'wallboard.html'): Promise<BenchPage> {
  const root = join(ROOT, 'test/renderer/bench');
  const out = mkdtempSync(join(tmpdir(), 'oncall-bench-page-'));
  await build({
    configFile: false,
    root,
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096, rollupOptions: { input: join(root, entry) } },
  });
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || entry;
    readFile(join(out, path))
      .then((body) => res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body))
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${entry}`,
    close() {
      server.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}
