/**
 * The contact-center floor end to end (issue 13): an agent's states driven by real SIP calls reach
 * a supervisor's wallboard, a call to a not-ready agent is answered 486 Busy Here and shows as
 * missed, state changes made offline sync with their original times, and the rota edited in the
 * supervisor's Rota view reaches the agent's Shifts view. And two of the new user's layout
 * complaints, which only a real layout engine can check, at 1280 px.
 *
 * Real processes only, inside a loopback-only network namespace: the API, Kamailio as the WebRTC
 * gateway with rtpengine, SIPp as the carrier trunk (test/phone/sipp/), two desktops (Node host +
 * core + the built renderer in Debian's Chromium): Blair (agent2), whose phone takes the calls and
 * whose API connection runs through a relay a case can cut, and Sam (supervisor), with the
 * Wallboard, then the Rota, open. Every wait is for an outcome, with a generous deadline.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { Http, type Session } from '../support/http';
import { startTcpCut, type TcpCut } from '../support/tcp-cut';
import { beAvailable, callCard, incoming, openAgent, setUpPhone, waitFor, type Agent } from './agents';
import { DOMAIN, TRUNK_CALLER, expectPassed, recordWhen, startGatewayRig, type GatewayRig } from './gateway-rig';
import { loopbackSuite } from './netns-suite';

const T = {
  setup: 'an agent with a phone and a supervisor with the wallboard open sign in',
  call: 'a real SIP call: On call while connected, After-call work after the hang-up, Available once the outcome is set, each on the wallboard',
  busy: 'not ready: a trunk call is answered 486 Busy Here without ringing and shows as missed to the agent and on the wallboard',
  offline: 'a state change made while the API is unreachable keeps its time and reaches the wallboard when the desktop is back',
  rota: "the supervisor edits the rota in the Rota view: the agent's My shifts follows, and On call now lists a colleague with click-to-call",
  layout: 'at 1280 px, two tasks for one patient show their whole titles, and the callback form fits its scrolling pane',
} as const;

const AGENT = { number: '+442079460102', password: 'sip-secret-b' };
const BUSY_CALLER = '+15550100486';
/** generous: a loaded machine may take seconds where an idle one takes milliseconds */
const LONG = 60_000;

loopbackSuite(import.meta.filename, 'the contact-center floor end to end', Object.values(T), 1_200_000, () => {
  let rig: GatewayRig;
  let apiLink: TcpCut;
  let blair: Agent;
  let sam: Agent;
  let http: Http;
  let supervisor: Session;
  let blairId: string;
  let patientId: string;

  const org = () => supervisor.user.organization_id;
  /** Blair's row on Sam's wallboard */
  const row = (): Locator => sam.page.getByRole('list', { name: 'Agents' }).locator('[aria-label^="Blair Agent:"]');
  const wallboardSays = (label: string) => expect.poll(() => row().getAttribute('aria-label'), { timeout: LONG }).toBe(`Blair Agent: ${label}`);
  const blairState = () => blair.page.getByTestId('agent-state');
  const missedTotal = () =>
    sam.page.getByLabel('Team totals').locator('div').filter({ has: sam.page.locator('dt', { hasText: /^Missed$/ }) }).locator('dd');
  const history = async () =>
    (await http.get(`/api/v1/organizations/${org()}/agent-state-events?agent_id=${blairId}&limit=200`, supervisor)).body.items as {
      state: string;
      reason: string | null;
      at: string;
      recorded_at: string;
      call_id: string | null;
    }[];
  /** A date and time as the browser's own clock and zone write them in the shift form. */
  const localInputs = (ms: number) =>
    sam.page.evaluate((t) => {
      const d = new Date(t);
      const two = (n: number) => String(n).padStart(2, '0');
      return { date: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`, time: `${two(d.getHours())}:${two(d.getMinutes())}` };
    }, ms);

  beforeAll(async () => {
    rig = await startGatewayRig({ [AGENT.number]: AGENT.password });
    http = new Http(rig.api.url);
    supervisor = await http.login('supervisor@demo.test');
    const admin = await http.login('admin@demo.test');
    // Wrap-up must end because the outcome is set, not because the default 2 minutes ran out on a
    // slow machine; desktops read the settings at sign-in.
    const settings = await http.request('PUT', `/api/v1/organizations/${org()}/agent-state-settings`, {
      as: admin,
      body: { not_ready_reasons: ['Break', 'Lunch', 'Training', 'Meeting'], acw_limit_seconds: 3600 },
    });
    if (settings.status !== 200) throw new Error(`settings: ${settings.status} ${settings.text}`);
    const patient = await http.post(`/api/v1/organizations/${org()}/patients`, { first_name: 'Pat', last_name: 'Caller', phone_number: TRUNK_CALLER }, supervisor);
    if (patient.status !== 201) throw new Error(`patient: ${patient.status} ${patient.text}`);
    patientId = patient.body.id;
    // Blair's desktop reaches the API through this relay, so the offline case can cut it alone.
    apiLink = await startTcpCut(Number(new URL(rig.api.url).port));
  });

  afterAll(async () => {
    rig?.stopTrunkCalls();
    await blair?.close();
    await sam?.close();
    await apiLink?.close();
    await rig?.stop();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      rig.stopTrunkCalls();
      await apiLink.restore();
      if (!blair) return;
      for (const button of await blair.page.getByRole('button', { name: /^(Hang up|Decline)$/ }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
    });
  });

  it(T.setup, async () => {
    const relayed = `http://127.0.0.1:${apiLink.port}`;
    blair = await openAgent(rig.browser, { name: 'Blair', email: 'agent2@demo.test', number: AGENT.number, apiUrl: relayed, rendererDir: rig.rendererDir, sipWsUrl: rig.link.url });
    await setUpPhone(blair, { wsUrl: rig.link.url, domain: DOMAIN, password: AGENT.password });
    blairId = (await http.login('agent2@demo.test')).user.id;
    // The screen pop reads the local patient directory: wait until the desktop has Pat.
    await waitFor(
      () => blair.page.evaluate((n) => (globalThis as any).oncall.invoke('patients.lookupByNumber', { phone: n }).then((p: unknown) => p !== null), TRUNK_CALLER),
      LONG,
      "Blair's desktop to sync the patients",
    );
    await beAvailable(blair);

    sam = await openAgent(rig.browser, { name: 'Sam', email: 'supervisor@demo.test', number: '+442079460103', apiUrl: rig.api.url, rendererDir: rig.rendererDir, sipWsUrl: rig.link.url });
    await sam.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Wallboard/ }).click();
    await sam.page.getByRole('heading', { name: 'Wallboard' }).waitFor({ timeout: LONG });
    await wallboardSays('Available');
    expect(await sam.page.getByTestId('wallboard-freshness').textContent()).toBe('Live');
  });

  it(T.call, async () => {
    const callsBefore = Number(await row().locator('[title="Calls handled today"]').textContent());
    const trunk = await rig.sipp('uac-agent-hangs-up.xml', 0, { caller_name: 'Pat Caller' }, AGENT.number);
    const ringing = incoming(blair);
    await expect.poll(() => ringing.getByTestId('screen-pop').textContent(), { timeout: LONG }).toContain('Pat Caller');
    await ringing.getByRole('button', { name: 'Answer' }).click();
    const card = callCard(blair, 'Pat Caller');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: LONG }).toBe('Connected');

    // Connected: the phone set On call, and the wallboard shows it with the call and its patient.
    await expect.poll(() => blairState().getAttribute('class'), { timeout: LONG }).toContain('state-on_call');
    await wallboardSays('On call');
    await expect.poll(() => row().textContent(), { timeout: LONG }).toContain('↙ Pat Caller');

    // Blair hangs up: after-call work, with its countdown in her status bar and on the board.
    await card.getByRole('button', { name: 'Hang up' }).click();
    expectPassed(await trunk.result());
    await blair.page.getByTestId('acw-countdown').waitFor({ timeout: LONG });
    await wallboardSays('After-call work');
    const record = await recordWhen(blair, TRUNK_CALLER, (r) => r.status === 'wrap_up', 'the call in wrap_up');

    // Setting the outcome ends wrap-up: back to the state before the call.
    await blair.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Calls/ }).click();
    await blair.page.getByRole('button', { name: /^inbound call Pat Caller .* Wrap-up$/ }).first().click();
    await blair.page.getByRole('combobox', { name: 'Outcome', exact: true }).selectOption('information_given');
    await blair.page.getByTestId('call-status').filter({ hasText: 'Completed' }).waitFor({ timeout: LONG });
    await expect.poll(() => blairState().getAttribute('class'), { timeout: LONG }).toContain('state-available');
    await wallboardSays('Available');
    await expect.poll(() => row().locator('[title="Calls handled today"]').textContent(), { timeout: LONG }).toBe(String(callsBefore + 1));
    await expect.poll(() => row().textContent()).not.toContain('↙ Pat Caller');

    // The API's history has each step, in order, the call's states naming the call.
    await expect
      .poll(async () => (await history()).filter((e) => e.call_id === record.id || e.at >= record.started_at).map((e) => e.state), { timeout: LONG })
      .toEqual(['on_call', 'after_call_work', 'available']);
    const steps = (await history()).filter((e) => e.call_id === record.id);
    expect(steps.map((e) => e.state)).toEqual(['on_call', 'after_call_work']);
  });

  it(T.busy, async () => {
    await blair.page.getByLabel('Your state').selectOption('not_ready:Break');
    await wallboardSays('Not ready · Break');
    const missedBefore = Number(await missedTotal().textContent());
    // Anything that rings on Blair's screen would be a failure: count alert dialogs as they come.
    await blair.page.evaluate(() => {
      const w = globalThis as any;
      w.__rang = 0;
      new w.MutationObserver(() => {
        if (w.document.querySelector('[role="alertdialog"]')) w.__rang++;
      }).observe(w.document.body, { childList: true, subtree: true });
    });

    // The scenario passing is the assertion: the INVITE was answered 486 Busy Here (and ACKed).
    const trunk = await rig.sipp('uac-busy-here.xml', 0, { caller: BUSY_CALLER, caller_name: 'Busy Line' }, AGENT.number);
    expectPassed(await trunk.result());

    const missed = await recordWhen(blair, BUSY_CALLER, (r) => r.status === 'missed', 'the declined call logged missed');
    expect(missed).toMatchObject({ direction: 'inbound', agent_id: blairId });
    await blair.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Calls/ }).click();
    await blair.page.getByRole('button', { name: new RegExp(`^inbound call \\${BUSY_CALLER} .* Missed$`) }).waitFor({ timeout: LONG });
    expect(await blair.page.evaluate(() => (globalThis as any).__rang)).toBe(0);
    // The board counts it, and Blair is still on her break: a declined call changes no state.
    await expect.poll(async () => Number(await missedTotal().textContent()), { timeout: LONG }).toBe(missedBefore + 1);
    await wallboardSays('Not ready · Break');
  });

  it(T.offline, async () => {
    // Idle, no user action: the cut is noticed and said.
    await apiLink.cut();
    await blair.page.getByTestId('connection').filter({ hasText: 'Offline' }).waitFor({ timeout: LONG });

    const before = Date.now();
    await blair.page.getByLabel('Your state').selectOption('not_ready:Lunch');
    // The desktop's core stamps the change when it takes it; the picker shows Lunch once it has.
    await expect.poll(() => blair.page.getByLabel('Your state').inputValue(), { timeout: LONG }).toBe('not_ready:Lunch');
    const after = Date.now();
    await expect.poll(() => blair.page.getByTestId('pending').textContent(), { timeout: LONG }).toMatch(/^\d+ pending$/);
    // The board cannot know yet.
    expect(await row().getAttribute('aria-label')).toBe('Blair Agent: Not ready · Break');

    const restored = Date.now();
    await apiLink.restore();
    await blair.page.getByTestId('connection').filter({ hasText: 'Online' }).waitFor({ timeout: LONG });
    await wallboardSays('Not ready · Lunch');

    // Synced with the time it was made, not the time it reached the server.
    const lunch = await waitForValue(async () => (await history()).find((e) => e.reason === 'Lunch'), 'the Lunch event in the history');
    expect(Date.parse(lunch.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(lunch.at)).toBeLessThanOrEqual(after);
    expect(Date.parse(lunch.recorded_at)).toBeGreaterThanOrEqual(restored);
    const current = (await http.get(`/api/v1/organizations/${org()}/agent-states`, supervisor)).body.items.find((s: { user_id: string }) => s.user_id === blairId);
    expect(current).toMatchObject({ state: 'not_ready', reason: 'Lunch', since: lunch.at });
    // Sam's wallboard reads the same time from its own mirror (the store the view renders).
    const mirrored = await sam.page.evaluate((id) => (globalThis as any).oncall.invoke('agentStates.list', {}).then((all: any[]) => all.find((s) => s.user_id === id)), blairId);
    expect(mirrored).toMatchObject({ state: 'not_ready', reason: 'Lunch', since: lunch.at });
  });

  it(T.rota, async () => {
    const nav = (who: Agent, name: RegExp) => who.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
    await nav(blair, /Shifts/);
    // The section, not its list: the seeded shift of Blair's (12:00-20:00 UTC today) has ended
    // when this runs late in the day, and an empty My shifts shows a sentence instead of a list.
    const myShifts = blair.page.getByRole('region', { name: 'My shifts' });
    await myShifts.waitFor({ timeout: LONG });
    await nav(sam, /Rota/);
    await sam.page.getByRole('heading', { name: 'Rota' }).waitFor({ timeout: LONG });

    // Add a shift for Blair tomorrow, in the Rota view's form.
    const tomorrow = await localInputs(Date.now() + 86_400_000);
    await sam.page.getByRole('button', { name: 'Add shift' }).click();
    let dialog = sam.page.getByRole('dialog', { name: 'Add shift' });
    await dialog.getByLabel('Staff member').selectOption({ label: 'Blair Agent' });
    await dialog.getByLabel('Date').fill(tomorrow.date);
    await dialog.getByLabel('Starts').fill('09:00');
    await dialog.getByLabel('Ends').fill('17:00');
    await dialog.getByLabel('Type').selectOption('cover');
    await dialog.getByLabel('Location').fill('Ward C');
    await dialog.getByLabel('Notes').fill('Floor walker for the new starters');
    await dialog.getByRole('button', { name: 'Add shift' }).click();
    await dialog.waitFor({ state: 'detached', timeout: LONG });

    const planned = myShifts.getByRole('listitem').filter({ hasText: 'Floor walker for the new starters' });
    await planned.waitFor({ timeout: LONG });
    expect(await planned.textContent()).toContain('Cover · Scheduled · Ward C');

    // Move it an hour later from its chip on the rota (the next week's page if tomorrow is Monday).
    const chip = sam.page.getByRole('button', { name: /^Blair Agent, Cover / });
    if (await sam.page.evaluate((date) => new Date(`${date}T12:00`).getDay() === 1, tomorrow.date)) {
      await sam.page.getByRole('button', { name: 'Next week' }).click();
    }
    await chip.click();
    dialog = sam.page.getByRole('dialog', { name: 'Shift of Blair Agent' });
    await dialog.getByLabel('Starts').fill('10:00');
    await dialog.getByRole('button', { name: 'Save shift' }).click();
    await dialog.waitFor({ state: 'detached', timeout: LONG });
    const tenOClock = await blair.page.evaluate(
      (date) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(`${date}T10:00`)),
      tomorrow.date,
    );
    await expect.poll(() => planned.textContent(), { timeout: LONG }).toContain(`${tenOClock}–`);

    // Sam puts himself on call now with a contact number: Blair's On call now lists him (the rota is
    // the whole team's), and its Call button dials from her phone.
    const from = await localInputs(Date.now() - 3_600_000);
    const to = await localInputs(Date.now() + 2 * 3_600_000);
    await sam.page.getByRole('button', { name: 'Add shift' }).click();
    dialog = sam.page.getByRole('dialog', { name: 'Add shift' });
    await dialog.getByLabel('Staff member').selectOption({ label: 'Sam Supervisor' });
    await dialog.getByLabel('Date').fill(from.date);
    await dialog.getByLabel('Starts').fill(from.time);
    await dialog.getByLabel('Ends').fill(to.time);
    await dialog.getByLabel('Type').selectOption('on_call');
    await dialog.getByLabel('Contact number (for On call now)').fill('+15550100777');
    await dialog.getByRole('button', { name: 'Add shift' }).click();
    await dialog.waitFor({ state: 'detached', timeout: LONG });

    const onCallNow = blair.page.getByRole('list', { name: 'On call now' });
    const callSam = onCallNow.getByRole('button', { name: 'Call Sam Supervisor on +15550100777' });
    await callSam.waitFor({ timeout: LONG });
    await beAvailable(blair);
    const answering = await rig.sipp('uas-ring-answer.xml', 1000, {});
    await callSam.click();
    const card = callCard(blair, '+15550100777');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: LONG }).toBe('Connected');
    await card.getByRole('button', { name: 'Hang up' }).click();
    expectPassed(await answering.result());
    await recordWhen(blair, '+15550100777', (r) => r.direction === 'outbound' && r.status === 'wrap_up', 'the click-to-call call logged');

    // Nothing was edited on Blair's desktop: both shifts are the server's.
    const stored = (await http.get(`/v1/oncall/schedules?startDate=${new Date(Date.now() - 2 * 3_600_000).toISOString()}&limit=200`, supervisor)).body.items as {
      staffId: string;
      type: string;
      metadata: Record<string, unknown>;
    }[];
    expect(stored.find((s) => s.staffId === blairId && s.type === 'cover')?.metadata).toMatchObject({ location: 'Ward C' });
    expect(stored.find((s) => s.type === 'on_call')?.metadata).toMatchObject({ phone: '+15550100777' });
  });

  it(T.layout, async () => {
    const titles = ['Call back Pat Caller about the blood test results from Tuesday', 'Call back Pat Caller about the repeat prescription for next month'];
    for (const title of titles) {
      const res = await http.post(`/api/v1/organizations/${org()}/tasks`, { title, assignee_id: blairId, patient_id: patientId, priority: 'normal' }, supervisor);
      expect(res.status).toBe(201);
    }
    await blair.page.setViewportSize({ width: 1280, height: 720 });
    await blair.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /My tasks/ }).click();
    const queue = blair.page.getByRole('list', { name: 'My task queue' });
    for (const title of titles) {
      const shown = queue.getByRole('button', { name: title, exact: true });
      await shown.waitFor({ timeout: LONG });
      // Shown whole: the text needs no more room than it has (an ellipsis would mean it does).
      expect(await shown.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight), `"${title}" is cut short`).toBe(true);
    }

    // A short window, so the call's detail pane scrolls: the callback form must stay inside it.
    await blair.page.setViewportSize({ width: 1280, height: 480 });
    await blair.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Calls/ }).click();
    await blair.page.getByRole('button', { name: new RegExp(`^inbound call \\${BUSY_CALLER} .* Missed$`) }).click();
    await blair.page.getByRole('combobox', { name: 'Outcome', exact: true }).selectOption('callback_requested');
    const form = blair.page.getByRole('form', { name: 'Schedule callback' });
    await form.waitFor({ timeout: LONG });
    const fit = await form.evaluate((el) => {
      const pane = el.closest('.detail-pane')!;
      const box = el.getBoundingClientRect();
      const inner = pane.getBoundingClientRect().left + pane.clientLeft + pane.clientWidth;
      return { scrolls: pane.scrollHeight > pane.clientHeight, overflowsSideways: pane.scrollWidth > pane.clientWidth, right: box.right, inner };
    });
    expect(fit.scrolls, 'the detail pane has a scrollbar in this window').toBe(true);
    expect(fit.overflowsSideways).toBe(false);
    expect(fit.right).toBeLessThanOrEqual(fit.inner);
  });
});

async function waitForValue<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => (value = await read()) !== undefined, LONG, what);
  return value!;
}
