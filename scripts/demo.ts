/**
 * `npm run demo`: the whole product on one machine without Electron. Builds the renderer, starts
 * the central API (demo data on an empty store) and one desktop host, and stops both on Ctrl+C.
 * On a machine that can run Electron, `npm start` opens the real desktop app instead.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';

const API_PORT = process.env.PORT ?? '8080';
const HOST_PORT = process.env.HOST_PORT ?? '5180';
const apiUrl = `http://127.0.0.1:${API_PORT}`;
const children: ChildProcess[] = [];

function start(name: string, script: string, env: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (name === 'host') process.stdout.write(text);
      if (ready.test(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

execSync('npm run build:renderer', { stdio: 'inherit' });
try {
  await start('api', 'src-server/main.ts', { PORT: API_PORT }, /listening at/);
  console.log(`Central API: ${apiUrl} (OpenAPI at ${apiUrl}/docs/json)`);
  await start('host', 'src-main/host/main.ts', { API_URL: apiUrl, HOST_PORT, DATA_DIR: process.env.DATA_DIR ?? 'data/desktop' }, /host ready at/);
  console.log('Sign in as agent1@demo.test / demo-password (supervisor@demo.test for the team board). Ctrl+C stops both.');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  stopAll();
  process.exitCode = 1;
}
