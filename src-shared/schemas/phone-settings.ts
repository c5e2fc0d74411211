/**
 * The softphone's per-agent settings, kept by the desktop core ('phone.settings.get' / '.set').
 * The SIP password is write-only here except towards the renderer that registers with it: the core
 * keeps it in its SecretStore (safeStorage in Electron), never in SQLite or a settings file.
 */
import { z } from 'zod';

export const DtmfMode = z.enum(['rfc4733', 'info']);
export type DtmfMode = z.infer<typeof DtmfMode>;

export const IceServer = z.object({
  urls: z.union([z.string().regex(/^(stun|stuns|turn|turns):/, 'a stun: or turn: URL'), z.array(z.string().regex(/^(stun|stuns|turn|turns):/)).min(1).max(10)]),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

const DeviceId = z.string().max(512).nullable();

/** Everything but the password. ws_url and sip_uri null = the phone is not configured. */
export const PhoneSettings = z.object({
  ws_url: z.url({ protocol: /^wss?$/ }).nullable(),
  /** the agent's address of record, e.g. sip:+442079460101@pbx.example.org */
  sip_uri: z.string().regex(/^sips?:[^@\s:;]+@[A-Za-z0-9.-]+(:\d+)?$/, 'a sip:user@domain URI').nullable(),
  /** digest user; the SIP URI's user part when null */
  auth_user: z.string().min(1).max(128).nullable(),
  display_name: z.string().max(100),
  /** no public STUN by default: calls stay on the networks the agent is on */
  ice_servers: z.array(IceServer).max(10),
  dtmf_mode: DtmfMode,
  /** ISO 3166 country used to read numbers typed without a country code */
  default_region: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code'),
  /** an inbound call rings this long before it is declined as unanswered (missed) */
  no_answer_seconds: z.number().int().min(5).max(300),
  mic_device_id: DeviceId,
  speaker_device_id: DeviceId,
  ringer_device_id: DeviceId,
});
export type PhoneSettings = z.infer<typeof PhoneSettings>;

export const DEFAULT_PHONE_SETTINGS: PhoneSettings = {
  ws_url: null,
  sip_uri: null,
  auth_user: null,
  display_name: '',
  ice_servers: [],
  dtmf_mode: 'rfc4733',
  default_region: 'GB',
  no_answer_seconds: 45,
  mic_device_id: null,
  speaker_device_id: null,
  ringer_device_id: null,
};

/** What 'phone.settings.get' returns: the renderer's SIP.js needs the password for digest auth. */
export const PhoneSettingsRead = PhoneSettings.extend({ password: z.string().nullable() });
export type PhoneSettingsRead = z.infer<typeof PhoneSettingsRead>;

/** A partial update; `password: null` forgets it, an absent password keeps it. */
export const PhoneSettingsPatch = PhoneSettings.partial().extend({ password: z.string().min(1).max(256).nullable().optional() });
export type PhoneSettingsPatch = z.infer<typeof PhoneSettingsPatch>;
