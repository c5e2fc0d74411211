/**
 * Electron IPC channel names (one constant place, as in Mattermost desktop). Kept apart from the
 * zod contract so the sandboxed preload can import them without bundling zod and every schema.
 */
export const IPC_INVOKE_CHANNEL = 'oncall:invoke';
export const IPC_EVENT_CHANNEL = 'oncall:event';
