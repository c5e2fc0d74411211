/** Reference data the pull does not carry, cached for offline use: outcome codes, the organization's settings and the user list. */
import type { UserRead } from '../../../src-shared/schemas/users';
import type { OnCallClient } from '../../../src-shared/sdk';
import { AGENT_STATE_SETTINGS_KEY } from '../domain/mutators';
import type { LocalStore } from '../store';

export async function refreshReference(client: OnCallClient, store: LocalStore, signal?: AbortSignal): Promise<void> {
  const dispositions = await client.dispositions.list({ signal });
  const settings = await client.organization.settings({ signal });
  const users: UserRead[] = [];
  // Keyset pages: each continues after the last, so a user added meanwhile cannot shift one out.
  for (let cursor: string | undefined; ; ) {
    const res = await client.users.list({ limit: 200, cursor }, { signal });
    users.push(...res.items);
    if (!res.next_cursor) break;
    cursor = res.next_cursor;
  }
  const agentStateSettings = await client.agentStates.settings({ signal });
  store.reference.replaceDispositions(dispositions);
  // The rulebook reads phone numbers with the organization's country, as the server does.
  store.reference.setSetting('default_country', settings.default_country);
  store.reference.setSetting(AGENT_STATE_SETTINGS_KEY, agentStateSettings);
  store.tx(() => {
    for (const u of users) store.entities.put('user', u.id, u, u);
  });
}
