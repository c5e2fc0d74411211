// @vitest-environment jsdom
/**
 * Shifts in the desktop: an agent's "My shifts" and "On call now" (click-to-call), the
 * supervisor's rota (add, refused overlap said plainly, end with handover notes), and the
 * wallboard's marks against the rota. The real views and stores over the in-memory bridge, whose
 * changes run the real rulebook (schedule.create / schedule.update, the overlap rule).
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AgentStateRead } from '../../src-shared/schemas/agent-states';
import { formatTime } from '../../src-renderer/lib/time';
import { ORG, makeShift } from './fake-bridge';
import { renderApp, settle, world } from './harness';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

async function go(key: string, heading: string) {
  fireEvent.keyDown(window, { key: 'g' });
  fireEvent.keyDown(window, { key });
  await screen.findByRole('heading', { name: heading, level: 1 }, { timeout: 60_000 });
  await settle();
  await settle();
}

describe('shifts', () => {
  it("shows an agent their current and upcoming shifts and who is on call now, with a Call button", async () => {
    const { bridge, agent, agent2, supervisor } = world();
    const now = Date.now();
    bridge.schedules.set('a', makeShift(agent.id, at(now - HOUR), at(now + 3 * HOUR), { id: 'a', type: 'on_call', metadata: { location: 'Ward B', phone: '+447700900555', notes: 'Bleep 4411' } }));
    const tomorrow = makeShift(agent.id, at(now + 24 * HOUR), at(now + 32 * HOUR), { metadata: { location: 'Main Building' } });
    bridge.schedules.set(tomorrow.id, tomorrow);
    const past = makeShift(agent.id, at(now - 30 * HOUR), at(now - 22 * HOUR));
    bridge.schedules.set(past.id, past);
    const theirs = makeShift(agent2.id, at(now - HOUR), at(now + HOUR), { type: 'on_call', metadata: { phone: '+447700900556' } });
    bridge.schedules.set(theirs.id, theirs);
    const theirsLater = makeShift(agent2.id, at(now + 48 * HOUR), at(now + 56 * HOUR));
    bridge.schedules.set(theirsLater.id, theirsLater);
    const supervisorOnShift = makeShift(supervisor.id, at(now - HOUR), at(now + 30 * 60_000));
    bridge.schedules.set(supervisorOnShift.id, supervisorOnShift);
    await renderApp(bridge, agent);
    await go('s', 'Shifts');

    const mine = await screen.findByRole('list', { name: 'My shifts' });
    await waitFor(() => expect(within(mine).getAllByRole('listitem')).toHaveLength(2));
    const [current, next] = within(mine).getAllByRole('listitem');
    expect(current!.getAttribute('aria-current')).toBe('true');
    expect(current!.textContent).toContain('On call · Now · Ward B');
    expect(current!.textContent).toContain('Bleep 4411');
    expect(next!.textContent).toContain('Regular · Scheduled · Main Building');

    // On call now is the whole team's (the rota is published to everyone): on-call shifts first,
    // soonest to end first, then the others on shift; My shifts above listed only the agent's own.
    const onCall = screen.getByRole('list', { name: 'On call now' });
    expect(within(onCall).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Ben Agent'),
      expect.stringContaining('Ada Agent'),
      expect.stringContaining('Sue Supervisor'),
    ]);
    expect(within(onCall).getByRole('button', { name: 'Call Ben Agent on +447700900556' })).toBeTruthy();
    fireEvent.click(within(onCall).getByRole('button', { name: 'Call Ada Agent on +447700900555' }));
    // No softphone set up: the call is logged, as any Call button does (docs/ui.md).
    await waitFor(() => expect(bridge.calledWith('call.create').at(-1)).toMatchObject({ phone_number: '+447700900555', direction: 'outbound' }));
  });

  it('lets a supervisor add a shift on the rota, refuses an overlapping one with a clear message, and ends a shift with handover notes', async () => {
    const { bridge, supervisor, agent } = world();
    await renderApp(bridge, supervisor);
    await go('r', 'Rota');
    const today = (new Date().getDay() + 6) % 7;
    const addFor = () => screen.getAllByRole('button', { name: /^Add a shift for Ada Agent on / })[today]!;

    fireEvent.click(addFor());
    let dialog = await screen.findByRole('dialog', { name: 'Add shift' });
    expect((within(dialog).getByLabelText('Staff member') as HTMLSelectElement).value).toBe(agent.id);
    fireEvent.change(within(dialog).getByLabelText('Starts'), { target: { value: '08:00' } });
    fireEvent.change(within(dialog).getByLabelText('Ends'), { target: { value: '16:00' } });
    fireEvent.change(within(dialog).getByLabelText('Location'), { target: { value: 'Ward A' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add shift' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.schedules.size).toBe(1);
    const stored = [...bridge.schedules.values()][0]!;
    expect(stored).toMatchObject({ staffId: agent.id, type: 'regular', status: 'scheduled', metadata: { location: 'Ward A' } });
    expect(new Date(stored.startTime).getHours()).toBe(8);
    const chip = await screen.findByRole('button', { name: /^Ada Agent, Regular .* Scheduled$/ });
    const [from, to] = [formatTime(stored.startTime), formatTime(stored.endTime)];
    expect(chip.textContent).toContain(`${from}–${to}`);

    // The same person, overlapping: refused, said plainly, nothing stored, the form kept.
    fireEvent.click(addFor());
    dialog = await screen.findByRole('dialog', { name: 'Add shift' });
    fireEvent.change(within(dialog).getByLabelText('Starts'), { target: { value: '15:00' } });
    fireEvent.change(within(dialog).getByLabelText('Ends'), { target: { value: '20:00' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add shift' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toMatch(/^Ada Agent already has a shift /);
    expect(alert.textContent).toContain(`${from}–${to}. One person can't hold two shifts at once: move or end that one first.`);
    expect(bridge.schedules.size).toBe(1);
    expect((within(dialog).getByLabelText('Starts') as HTMLInputElement).value).toBe('15:00');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    // End it with handover notes.
    fireEvent.click(await screen.findByRole('button', { name: /^Ada Agent, Regular .* Scheduled$/ }));
    dialog = await screen.findByRole('dialog', { name: 'Shift of Ada Agent' });
    fireEvent.change(within(dialog).getByLabelText('Handover notes'), { target: { value: 'Two callbacks left for Ben' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'End shift' }));
    await waitFor(() => expect(stored.id && bridge.schedules.get(stored.id)?.status).toBe('completed'));
    expect(bridge.schedules.get(stored.id)!.metadata).toMatchObject({ location: 'Ward A', handover_notes: 'Two callbacks left for Ben' });
    await screen.findByRole('button', { name: /^Ada Agent, Regular .* Ended$/ });
  });

  it('marks on the wallboard who is on shift but signed out and who is signed in off shift', async () => {
    const { bridge, supervisor, agent, agent2 } = world();
    const now = Date.now();
    const shift = makeShift(agent.id, at(now - HOUR), at(now + HOUR));
    bridge.schedules.set(shift.id, shift);
    const state: AgentStateRead = {
      id: agent2.id, organization_id: ORG, user_id: agent2.id, state: 'available', reason: null, since: at(now - 60_000),
      previous_state: null, previous_reason: null, call_id: null, version: 1, updated_at: at(now),
    };
    bridge.agentStates.set(agent2.id, state);
    await renderApp(bridge, supervisor);
    await go('w', 'Wallboard');
    const row = (name: string) => screen.getByRole('list', { name: 'Agents' }).querySelector(`[aria-label^="${name}:"]`) as HTMLElement;
    await waitFor(() => expect(within(row('Ada Agent')).getByTestId('shift-mark').textContent).toBe('On shift · signed out'));
    expect(within(row('Ben Agent')).getByTestId('shift-mark').textContent).toBe('Signed in · off shift');
    expect(screen.getByTestId('total-missing').textContent).toBe('1');
  });

  it('keeps the rota and its shortcut from agents', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: /Rota/ })).toBeNull();
    expect(within(nav).getByRole('link', { name: /Shifts/ })).toBeTruthy();
  });
});
