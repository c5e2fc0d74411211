// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, valueOf, world } from './harness';

function fill(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('sign-in', () => {
  it('says the password is wrong and keeps what was typed', async () => {
    const { bridge } = world();
    await renderApp(bridge);
    fill(/server/i, 'http://127.0.0.1:4000');
    fill(/email/i, 'ada.agent@demo.test');
    fill(/password/i, 'not-it');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toContain('Wrong email or password.');
    expect(valueOf(/server/i)).toBe('http://127.0.0.1:4000');
    expect(valueOf(/email/i)).toBe('ada.agent@demo.test');
    expect(valueOf(/password/i)).toBe('not-it');
    expect(screen.getByLabelText(/password/i).getAttribute('aria-invalid')).toBe('true');
  });

  it('says the server cannot be reached, naming it', async () => {
    const { bridge } = world();
    bridge.reachable = false;
    await renderApp(bridge);
    fill(/server/i, 'http://127.0.0.1:9');
    fill(/email/i, 'ada.agent@demo.test');
    fill(/password/i, 'demo-password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toContain("Can't reach the server at http://127.0.0.1:9");
    expect(valueOf(/password/i)).toBe('demo-password');
  });

  it('signs in, shows the shell, and remembers the server for next time', async () => {
    const { bridge } = world();
    await renderApp(bridge);
    fill(/server/i, 'http://127.0.0.1:4000/');
    fill(/email/i, 'ada.agent@demo.test');
    fill(/password/i, 'demo-password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('navigation', { name: 'Main' });
    expect(bridge.calledWith('session.login')[0]).toMatchObject({ serverUrl: 'http://127.0.0.1:4000', email: 'ada.agent@demo.test' });
    screen.getByText('Phone: not configured');

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(valueOf(/server/i)).toBe('http://127.0.0.1:4000'));
    expect(valueOf(/email/i)).toBe('ada.agent@demo.test');
    expect(valueOf(/password/i)).toBe('');
  });

  it('restores a session the main process still holds, without asking again', async () => {
    const { bridge, agent } = world();
    await renderApp(bridge, agent);
    screen.getByRole('navigation', { name: 'Main' });
    expect(bridge.calledWith('session.login')).toHaveLength(0);
  });
});
