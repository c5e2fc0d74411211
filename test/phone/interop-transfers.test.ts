/**
 * Attended transfers with plain phones on the interop rig (test/phone/gateway-rig.ts: Kamailio +
 * rtpengine, SIPp scenarios as the plain phones, two agent desktops, all in a loopback-only
 * namespace). baresip 1.0 cannot take part (it neither sends nor takes Replaces), so the plain
 * phones here are SIPp scenarios that do what a desk phone with Replaces does (RFC 3891, 5589),
 * with the plain phone in each role:
 * - target: the agent consults a plain phone and completes the transfer; the other agent's phone
 *   follows the REFER with an INVITE whose Replaces names the consult call on the plain phone;
 * - transferor: a plain phone completes an attended transfer of the agent (REFER with Refer-To
 *   naming the target and the dialog to replace); the agent's INVITE carries that Replaces, its
 *   NOTIFYs report the new call;
 * - transferee: a plain phone's INVITE with Replaces naming the agent's call (the agent is the
 *   target) is answered without ringing, and the replaced party gets a BYE.
 * (A carrier trunk as transferee is not covered: Kamailio relays the REFER to the trunk, which a
 * SIPp scenario cannot follow with a second call; see docs/phone.md.)
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { audioFlow, beAvailable, callCard, dialFromPad, incoming, openAgent, setUpPhone, type Agent } from './agents';
import { DOMAIN, expectPassed, latestRecord, recordWhen, startGatewayRig, type GatewayRig } from './gateway-rig';
import { loopbackSuite } from './netns-suite';

const T = {
  toPlain: "the agent transfers another agent's call to a plain phone, attended: the other agent's INVITE replaces the consult call on the plain phone, audio both ways",
  referReplaces: "a plain phone transfers the agent, attended (REFER with Replaces): the agent's INVITE carries that Replaces to the target, NOTIFYs report it, audio both ways, the old leg completed",
  replacesIn: "a plain phone's INVITE with Replaces takes over the agent's call: answered without ringing, the replaced party gets a BYE, audio both ways",
} as const;

const AGENT = { number: '+442079460101', password: 'sip-secret-a' };
const OTHER = { number: '+442079460102', password: 'sip-secret-b' };

loopbackSuite(import.meta.filename, 'softphone interop: attended transfers with plain phones', Object.values(T), 1_200_000, () => {
  let rig: GatewayRig;
  let agent: Agent;
  let other: Agent;

  beforeAll(async () => {
    rig = await startGatewayRig({ [AGENT.number]: AGENT.password, [OTHER.number]: OTHER.password });
    agent = await openAgent(rig.browser, { name: 'Alex', email: 'agent1@demo.test', number: AGENT.number, apiUrl: rig.api.url, rendererDir: rig.rendererDir, sipWsUrl: rig.link.url });
    await setUpPhone(agent, { wsUrl: rig.link.url, domain: DOMAIN, password: AGENT.password });
    other = await openAgent(rig.browser, { name: 'Blair', email: 'agent2@demo.test', number: OTHER.number, apiUrl: rig.api.url, rendererDir: rig.rendererDir, sipWsUrl: rig.kamailio.wsUrl });
    await setUpPhone(other, { wsUrl: rig.kamailio.wsUrl, domain: DOMAIN, password: OTHER.password });
  });

  afterAll(async () => {
    rig?.stopTrunkCalls();
    await agent?.close();
    await other?.close();
    await rig?.stop();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      rig.stopTrunkCalls();
      process.stderr.write(`--- kamailio (last 15) ---\n${rig.kamailio.logs.slice(-15).join('\n')}\n`);
      const cards = await agent.page.locator('[data-call-id]').allTextContents().catch(() => []);
      process.stderr.write(`--- the agent's call cards ---\n${cards.join('\n')}\n`);
      for (const page of [agent.page, other.page]) {
        for (const button of await page.getByRole('button', { name: /^(Hang up|Decline)$/ }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
      }
    });
  });

  /** Audio both ways: the agent's getStats, and every party's packets into rtpengine. */
  async function expectAudioBothWays(callId: string, who: Agent = agent): Promise<void> {
    await expect
      .poll(
        async () => {
          const [[toAgent], legs] = await Promise.all([audioFlow([who.page], 1000), rig.gatewayFlow(callId, 1000)]);
          return toAgent > 1500 && legs.length === 2 && legs.every((p) => p > 15);
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
  }

  /** A trunk call the agent answers with a click; returns its SIP Call-ID. */
  async function answered(scenario: string, pauseMs: number, keys: Record<string, string>) {
    await beAvailable(agent);
    const call = await rig.sipp(scenario, pauseMs, keys, AGENT.number);
    await incoming(agent).getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callCard(agent, keys.caller_name!).getByTestId('call-state').textContent()).toBe('Connected');
    return { call, callId: (await latestRecord(agent, keys.caller!)).metadata.sip_call_id as string };
  }

  it(T.toPlain, async () => {
    const plain = '+15550100301';
    // The plain phone takes two calls: the agent's consult call, then the INVITE that replaces it.
    const plainPhone = await rig.sipp('uas-answer-replaces.xml', 0, { number: plain }, undefined, 2);
    await beAvailable(agent);
    await dialFromPad(other, AGENT.number);
    await incoming(agent).getByRole('button', { name: 'Answer' }).click();
    const withOther = agent.page.locator('[data-call-id]');
    await expect.poll(() => withOther.getByTestId('call-state').textContent()).toBe('Connected');

    await withOther.getByRole('button', { name: 'Transfer' }).click();
    await withOther.getByLabel('Transfer to').fill(plain);
    await withOther.getByRole('button', { name: 'Consult first' }).click();
    const consult = callCard(agent, plain);
    await expect.poll(() => consult.getByTestId('call-state').textContent()).toBe('Consulting');
    const consultId = (await latestRecord(agent, plain)).metadata.sip_call_id as string;
    await consult.getByRole('button', { name: 'Complete transfer' }).click();

    // The other agent's phone followed the REFER: its call with the plain phone is up, the agent's are gone.
    const moved = callCard(other, plain);
    await expect.poll(() => moved.getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => agent.page.locator('[data-call-id]').count()).toBe(0);
    const leg = await latestRecord(other, plain);
    await expectAudioBothWays(leg.metadata.sip_call_id as string, other);
    const original = await recordWhen(agent, OTHER.number, (r) => r.status === 'completed', "the agent's transferred leg completed");
    expect(original.metadata).toMatchObject({ transfer: 'attended' });

    await moved.getByRole('button', { name: 'Hang up' }).click();
    const run = await plainPhone.result();
    expectPassed(run);
    // The second INVITE named the consult call, with the plain phone's own tag as to-tag.
    expect(run.messages).toMatch(new RegExp(`^Replaces: *${escape(consultId)};to-tag=[0-9]+SIPpTag01[0-9]+;from-tag=\\S+\\s*$`, 'm'));
  });

  it(T.referReplaces, async () => {
    const target = '+15550100300';
    // The dialog the target is to replace: the transferor's consult call with it, as the
    // transferor's phone names it (call-id;to-tag=the target's tag;from-tag=its own).
    const consult = 'consult-4711@desk.test;to-tag=target-tag-1;from-tag=desk-tag-1';
    const transferee = '+15550100007';
    const targetPhone = await rig.sipp('uas-answer-replaces.xml', 0, { number: target });
    const { call: transferor } = await answered('uac-refer-replaces.xml', 4000, {
      caller: transferee,
      caller_name: 'Reception',
      target,
      replaces: encodeURIComponent(consult),
    });

    // The agent followed the REFER: 202, a NOTIFY reporting the new call's 2xx, the BYE answered.
    const referRun = await transferor.result();
    if (referRun.code !== 0) {
      // What the target saw explains most failures here.
      targetPhone.stop();
      const seen = await targetPhone.result();
      process.stderr.write(`--- the target phone ---\n${seen.output}\n${seen.errors}\n${seen.messages.slice(-4000)}\n`);
    }
    expectPassed(referRun);
    const card = callCard(agent, target);
    await expect.poll(() => card.getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => callCard(agent, 'Reception').count()).toBe(0);
    const leg = await latestRecord(agent, target);
    await expectAudioBothWays(leg.metadata.sip_call_id as string);

    const old = await recordWhen(agent, transferee, (r) => r.status === 'completed', 'the transferred leg completed');
    expect(old.metadata).toMatchObject({ transfer: 'followed_refer', transferred_to: target });
    expect(leg.metadata.transferred_from).toBe(old.id);

    await card.getByRole('button', { name: 'Hang up' }).click();
    const run = await targetPhone.result();
    expectPassed(run);
    // The target saw exactly the dialog the transferor named, decoded from the Refer-To URI.
    expect(run.messages).toMatch(new RegExp(`^Replaces: *${escape(consult)}\\s*$`, 'm'));
  });

  it(T.replacesIn, async () => {
    const replaced = '+15550100008';
    const replacing = '+15550100009';
    const { call: first, callId } = await answered('uac-agent-hangs-up.xml', 0, { caller: replaced, caller_name: 'Carrier' });
    // The dialog's tags, as the gateway saw them: SIPp's own and the agent's.
    let tags: string[] = [];
    await expect
      .poll(async () => (tags = (await rig.rtpengine.query(callId)).legs.map((l) => l.tag)).length)
      .toBe(2);
    const agentTag = tags.find((t) => !t.includes('SIPpTag'))!;
    const callerTag = tags.find((t) => t.includes('SIPpTag'))!;
    const oldRecord = await latestRecord(agent, replaced);

    const second = await rig.sipp('uac-replaces.xml', 6000, { caller: replacing, caller_name: 'Front desk', replaces: `${callId};to-tag=${agentTag};from-tag=${callerTag}` }, AGENT.number);
    // Answered by the phone itself: nobody clicks Answer, and no ringing card is left behind.
    const card = callCard(agent, 'Front desk');
    await expect.poll(() => card.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await incoming(agent).count()).toBe(0);
    expectPassed(await first.result()); // the replaced party got the agent's BYE and answered it
    await expect.poll(() => callCard(agent, 'Carrier').count()).toBe(0);

    const leg = await latestRecord(agent, replacing);
    expect(leg.metadata.replaces).toBe(oldRecord.id);
    await expectAudioBothWays(leg.metadata.sip_call_id as string);
    const old = await recordWhen(agent, replaced, (r) => r.status === 'completed', 'the replaced leg completed');
    expect(String(old.metadata.replaced_by)).toContain(replacing);

    expectPassed(await second.result()); // it hung up after the pause; the agent answered its BYE
    await expect.poll(() => card.count()).toBe(0);
    await recordWhen(agent, replacing, (r) => r.status === 'wrap_up', 'the new call in wrap_up');
  });
});

/** `text` as a literal inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
