/**
 * `npm run demo`: the whole product on one machine without Electron. Builds the renderer, starts
 * the central API (demo data on an empty store), a local SIP server (Debian's Kamailio, the same
 * launcher and config the phone tests use) and two desktop hosts, agent1's and agent2's, whose
 * phones are provisioned (PHONE_ACCOUNTS_FILE) so agent1 can call agent2 at once. Without Kamailio
 * it says how to install it and runs without the phone. Ctrl+C stops everything.
 * On a machine that can run Electron, `npm start` opens the real desktop app instead.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startKamailio, type Kamailio } from '../test/support/kamailio';

const API_PORT = process.env.PORT ?? '8080';
const HOST_PORT = process.env.HOST_PORT ?? '5180';
const HOST2_PORT = process.env.HOST2_PORT ?? '5181';
const SIP_PORT = Number(process.env.SIP_PORT ?? 5066);
const apiUrl = `http://127.0.0.1:${API_PORT}`;
const children: ChildProcess[] = [];
let kamailio: Kamailio | null = null;

const SIP_DOMAIN = 'oncall.test';
/** the demo agents' phones: agent1 is +44 20 7946 0101, agent2 ...0102 (Ofcom drama numbers) */
const DEMO_PHONES = [
  { email: 'agent1@demo.test', number: '+442079460101', password: 'demo-sip-1', name: 'Agent One' },
  { email: 'agent2@demo.test', number: '+442079460102', password: 'demo-sip-2', name: 'Agent Two' },
];

/** Starts Kamailio and writes the phone accounts file; null (with the reason printed) without it. */
async function startSip(): Promise<{ file: string; wsUrl: string } | null> {
  try {
    kamailio = await startKamailio({ port: SIP_PORT, domain: SIP_DOMAIN, users: Object.fromEntries(DEMO_PHONES.map((p) => [p.number, p.password])) });
  } catch (err) {
    console.warn(
      `\nPhone: no local SIP server, so the demo runs without the softphone.\n  ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n` +
        '  Install it (Debian/Ubuntu): sudo apt-get install kamailio kamailio-websocket-modules\n',
    );
    return null;
  }
  const file = resolve('data/phone-accounts.json');
  mkdirSync(resolve('data'), { recursive: true });
  const accounts = Object.fromEntries(
    DEMO_PHONES.map((p) => [p.email, { ws_url: kamailio!.wsUrl, sip_uri: `sip:${p.number}@${SIP_DOMAIN}`, password: p.password, display_name: p.name }]),
  );
  writeFileSync(file, JSON.stringify(accounts, null, 2), { mode: 0o600 });
  console.log(`SIP server: ${kamailio.wsUrl} (Kamailio); agent1 is ${DEMO_PHONES[0]!.number}, agent2 is ${DEMO_PHONES[1]!.number}`);
  return { file, wsUrl: kamailio.wsUrl };
}

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
  void kamailio?.close();
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

execSync('npm run build:renderer', { stdio: 'inherit' });
try {
  await start('api', 'src-server/main.ts', { PORT: API_PORT }, /listening at/);
  console.log(`Central API: ${apiUrl} (OpenAPI at ${apiUrl}/docs/json)`);
  const accounts = await startSip();
  const phoneEnv: Record<string, string> = accounts ? { PHONE_ACCOUNTS_FILE: accounts.file, SIP_WS_URL: accounts.wsUrl } : {};
  await start('host', 'src-main/host/main.ts', { API_URL: apiUrl, HOST_PORT, DATA_DIR: process.env.DATA_DIR ?? 'data/desktop', ...phoneEnv }, /host ready at/);
  await start('host', 'src-main/host/main.ts', { API_URL: apiUrl, HOST_PORT: HOST2_PORT, DATA_DIR: process.env.DATA2_DIR ?? 'data/agent2', ...phoneEnv }, /host ready at/);
  console.log(
    'Two agent desktops: sign in as agent1@demo.test in the first and agent2@demo.test in the second (password demo-password;' +
      ' supervisor@demo.test for the team board).' +
      (accounts ? ' Their phones are set up: dial +442079460102 from agent1 to ring agent2.' : '') +
      ' Ctrl+C stops everything.',
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  stopAll();
  process.exitCode = 1;
}
