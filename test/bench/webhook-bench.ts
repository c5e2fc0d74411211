/**
 * `npm run bench:webhooks`: how long another organization's webhook delivery takes (call created
 * -> request at its receiver) while one organization has 20 endpoints that never answer, against
 * the same with none hanging. The figure before the fix: 0.2 s -> 30 s. Prints the
 * median and the worst of RUNS deliveries in each case; real API process, receivers on 127.0.0.1.
 */
import { startApiServer, stopAndClean } from '../support/api-server';
import { Http } from '../support/http';
import { startWebhookReceiver } from '../support/webhook-receiver';

const RUNS = Number(process.env.RUNS ?? 20);
const HANGING_ENDPOINTS = 20;

const server = await startApiServer({ env: { WEBHOOK_TIMEOUT_MS: '30000', WEBHOOK_ALLOW_PRIVATE_TARGETS: '1' } });
const receiver = await startWebhookReceiver();
const http = new Http(server.url);
const [admin, agent, otherAdmin, otherAgent] = await Promise.all(
  ['admin@demo.test', 'agent1@demo.test', 'admin@other.test', 'agent1@other.test'].map((e) => http.login(e)),
);
const call = (org: string, as: typeof agent) => http.post(`/api/v1/organizations/${org}/calls`, { direction: 'inbound', phone_number: '+447700900100' }, as);
await http.post(`/api/v1/organizations/${server.orgs.other}/webhooks`, { url: `${receiver.url}/measured`, events: ['call.created'] }, otherAdmin);

async function measure(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const before = receiver.at('/measured').length;
    const t0 = Date.now();
    await call(server.orgs.other, otherAgent);
    while (receiver.at('/measured').length === before) await new Promise((r) => setTimeout(r, 1));
    times.push(receiver.at('/measured').at(-1)!.receivedAt - t0);
  }
  return times.sort((a, b) => a - b);
}
const show = (label: string, t: number[]) => console.log(`${label}: median ${t[Math.floor(t.length / 2)]} ms, worst ${t.at(-1)} ms (${t.length} deliveries)`);

await measure(); // warm-up: the first deliveries pay for JIT and connection setup
show('no endpoint hanging', await measure());
for (let i = 0; i < HANGING_ENDPOINTS; i++) {
  receiver.hold(`/hang${i}`);
  await http.post(`/api/v1/organizations/${server.orgs.demo}/webhooks`, { url: `${receiver.url}/hang${i}`, events: ['call.created'] }, admin);
}
for (let i = 0; i < 5; i++) await call(server.orgs.demo, agent);
show(`${HANGING_ENDPOINTS} endpoints of another organization hanging (${5 * HANGING_ENDPOINTS} deliveries queued)`, await measure());

await receiver.close();
await stopAndClean(server);
