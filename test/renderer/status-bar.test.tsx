// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../src-shared/ipc/contract';
import { newId } from './fake-bridge';
import { renderApp, settle, world } from './harness';

function rejected(args: Record<string, unknown>): AttentionItem {
  const at = new Date().toISOString();
  return {
    mutation_id: newId(),
    name: 'task.update',
    args,
    error: { code: 'VALIDATION_FAILED', message: 'validation failed', details: { title: 'too long' } },
    created_at: at,
    rejected_at: at,
  };
}

describe('status bar', () => {
  it('shows connection, pending changes, last sync and the phone slot, and follows sync.status events', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    const bar = screen.getByRole('status', { name: 'Sync status' });
    expect(within(bar).getByTestId('connection').textContent).toBe('Online');
    expect(within(bar).getByTestId('pending').textContent).toBe('All changes synced');
    expect(within(bar).getByTestId('last-sync').textContent).toBe('Last sync just now');
    expect(screen.getByText('Phone: not configured')).toBeTruthy();

    act(() => bridge.emit('sync.status', { ...bridge.status, online: false, state: 'offline', pending: 3, last_pull_at: '2020-01-01T09:15:00.000Z' }));
    expect(within(bar).getByTestId('connection').textContent).toBe('Offline');
    expect(within(bar).getByTestId('pending').textContent).toBe('3 pending');
    expect(within(bar).getByTestId('last-sync').textContent).not.toContain('just now');
  });

  it('lists rejected changes with their reason; retry sends the edited args, discard drops one', async () => {
    const { bridge, agent } = world();
    const first = rejected({ id: newId(), title: 'x'.repeat(300) });
    const second = rejected({ id: newId(), title: 'Another' });
    bridge.attention = [first, second];
    bridge.status = { ...bridge.status, attention: 2 };
    await renderApp(bridge, agent);

    fireEvent.click(screen.getByRole('button', { name: '2 need attention' }));
    const dialog = await screen.findByRole('dialog', { name: 'Changes that need attention' });
    await settle();
    const items = within(dialog).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('VALIDATION_FAILED');
    expect(items[0]!.textContent).toContain('too long');

    const title = within(items[0]!).getByLabelText('title');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(title, { target: { value: 'A shorter title' } });
    fireEvent.click(within(items[0]!).getByRole('button', { name: 'Retry Task change' }));
    await waitFor(() => expect(within(dialog).getAllByRole('listitem')).toHaveLength(1));
    expect(bridge.calledWith('sync.retry')[0]).toEqual({ mutation_id: first.mutation_id, args: { id: first.args.id, title: 'A shorter title' } });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Discard Task change' }));
    await waitFor(() => expect(within(dialog).getByText('Nothing needs attention.')).toBeTruthy());
    expect(bridge.calledWith('sync.discard')[0]).toEqual({ mutation_id: second.mutation_id });
  });

  it('keeps an item and says why when the retry itself is refused', async () => {
    const { bridge, agent } = world();
    const item = rejected({ id: newId(), title: 'x' });
    bridge.attention = [item];
    bridge.status = { ...bridge.status, attention: 1 };
    await renderApp(bridge, agent);
    fireEvent.click(screen.getByRole('button', { name: '1 needs attention' }));
    const dialog = await screen.findByRole('dialog');
    await settle();
    bridge.failNext('sync.retry', { code: 'VALIDATION_FAILED', message: 'validation failed', details: { 'args.title': 'Required' } });
    fireEvent.change(within(dialog).getByLabelText('title'), { target: { value: 'edited' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Retry Task change' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('args.title: Required');
    expect((within(dialog).getByLabelText('title') as HTMLInputElement).value).toBe('edited');
  });
});
