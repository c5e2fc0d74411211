// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SHORTCUTS } from '../../src-renderer/shortcuts';
import { makePatient, makeTask } from './fake-bridge';
import { renderApp, settle, world } from './harness';

const key = (k: string) => fireEvent.keyDown(window, { key: k });

describe('keyboard and navigation', () => {
  it('g c / g p / g t move between views and the nav marks the current one', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    key('g');
    key('p');
    await screen.findByRole('heading', { name: 'Patients' });
    expect(screen.getByRole('link', { name: /Patients/ }).getAttribute('aria-current')).toBe('page');
    key('g');
    key('t');
    await screen.findByRole('heading', { name: 'My tasks' });
    key('g');
    key('c');
    await screen.findByRole('heading', { name: 'Calls' });
    expect(location.hash).toBe('#/calls');
  });

  it('single-key shortcuts do nothing while typing in a field', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    const filter = screen.getByRole('searchbox', { name: 'Filter calls' });
    fireEvent.keyDown(filter, { key: 'n' });
    expect(screen.queryByRole('dialog')).toBeNull();
    key('n');
    expect(await screen.findByRole('dialog', { name: 'Log a call' })).toBeTruthy();
  });

  it('? opens the help, which lists every shortcut a supervisor has; Escape closes it', async () => {
    const { bridge, supervisor } = world();
    await renderApp(bridge, supervisor);
    key('?');
    const help = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const s of SHORTCUTS) expect(help.textContent).toContain(s.label);
    fireEvent.keyDown(help, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('/ focuses the current view\'s search', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    key('g');
    key('p');
    await screen.findByRole('heading', { name: 'Patients' });
    (document.activeElement as HTMLElement).blur();
    key('/');
    await settle();
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search patients' }));
  });

  it('j / k move through the task queue', async () => {
    const { bridge, agent } = world();
    bridge.putTask(makeTask({ title: 'first', priority: 'urgent', assignee_id: agent.id }));
    bridge.putTask(makeTask({ title: 'second', priority: 'high', assignee_id: agent.id }));
    await renderApp(bridge, agent);
    key('g');
    key('t');
    await screen.findByRole('heading', { name: 'My tasks' });
    await settle();
    key('j');
    key('j');
    expect(await screen.findByRole('heading', { name: 'second', level: 2 })).toBeTruthy();
    key('k');
    expect(await screen.findByRole('heading', { name: 'first', level: 2 })).toBeTruthy();
  });
});

describe('patients', () => {
  it('finds a patient by name or number; the card lists calls and tasks; Call logs an outbound call', async () => {
    const { bridge, agent } = world();
    const grace = makePatient('Grace', 'Hopper', '+447700900123', { alt_phone_number: '+442079460000', mrn: 'MRN-1' });
    bridge.patients = [grace, makePatient('Alan', 'Turing', '+447700900456')];
    bridge.putTask(makeTask({ title: 'Send results', patient_id: grace.id, assignee_id: agent.id }));
    await renderApp(bridge, agent);
    key('g');
    key('p');
    await screen.findByRole('heading', { name: 'Patients' });

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search patients' }), { target: { value: '0456' } });
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Patients found' })).getAllByRole('listitem')).toHaveLength(1), { timeout: 120_000 });
    expect(screen.getByRole('list', { name: 'Patients found' }).textContent).toContain('Alan Turing');

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search patients' }), { target: { value: 'grace' } });
    await waitFor(() => expect(screen.getByRole('list', { name: 'Patients found' }).textContent).toContain('Grace Hopper'), { timeout: 120_000 });
    fireEvent.click(screen.getByRole('button', { name: /Grace Hopper/ }));
    await screen.findByRole('heading', { name: 'Grace Hopper', level: 2 });
    await settle();
    expect(screen.getByRole('region', { name: 'Open tasks' }).textContent).toContain('Send results');
    expect(screen.getByRole('region', { name: 'Recent calls' }).textContent).toContain('No calls yet.');

    fireEvent.click(screen.getByRole('button', { name: 'Call +442079460000' }));
    await screen.findByRole('heading', { name: 'Calls' });
    expect(bridge.calledWith('call.create')[0]).toMatchObject({ direction: 'outbound', phone_number: '+442079460000', patient_id: grace.id });
    expect(await screen.findByRole('heading', { name: 'Grace Hopper', level: 2 })).toBeTruthy();
    expect(screen.getByTestId('call-status').textContent).toBe('In progress');
  });
});
