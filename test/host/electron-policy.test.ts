/**
 * The Electron shell's decisions that run without Electron: which permissions our page gets,
 * what the CSP allows, which links leave the app, and what a tel:/sip: link dials.
 */
import { describe, expect, it } from 'vitest';
import { findDialLink, numberFromDialLink } from '../../src-main/electron/dial-link';
import { APP_ORIGIN, contentSecurityPolicy, isAppUrl, isPermissionGranted, isSafeExternalUrl } from '../../src-main/electron/security-policy';

describe('permissions', () => {
  const page = `${APP_ORIGIN}/index.html`;

  it('grants the microphone and notifications to our page only', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: page, mediaTypes: ['audio'] })).toBe(true);
    expect(isPermissionGranted({ permission: 'notifications', requestingUrl: APP_ORIGIN })).toBe(true);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'notifications', requestingUrl: 'file:///etc/passwd' })).toBe(false);
  });

  it('refuses the camera, screen capture and everything else', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: page, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: page, mediaTypes: ['unknown'] })).toBe(false);
  });

  it('grants only what is asked: a media request that names no type gets nothing', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: page, mediaTypes: [] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: page })).toBe(false);
    for (const permission of ['display-capture', 'geolocation', 'clipboard-read', 'usb', 'serial', 'openExternal', 'midi']) {
      expect(isPermissionGranted({ permission, requestingUrl: page }), permission).toBe(false);
    }
  });

  it('recognises only app://oncall as ours', () => {
    expect(isAppUrl(`${APP_ORIGIN}/assets/x.js`)).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('http://oncall/')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy({ apiUrl: 'https://api.example.org/api/v1', sipWebSocketUrls: ['wss://sip.example.org:8443/ws'] });
  const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

  it('allows scripts from our own origin only, never inline or eval', () => {
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(directive('object-src')).toBe("object-src 'none'");
  });

  it('lets the page connect to itself, the API origin and the SIP WebSocket origin only', () => {
    expect(directive('connect-src')).toBe("connect-src 'self' https://api.example.org wss://sip.example.org:8443");
    expect(directive('media-src')).toBe("media-src 'self' blob:");
  });

  it('ignores sources that are not http(s)/ws(s) URLs', () => {
    expect(contentSecurityPolicy({ apiUrl: "javascript:alert(1)", sipWebSocketUrls: ['*', "'unsafe-eval'"] })).toContain("connect-src 'self';");
  });
});

describe('external links', () => {
  it('opens only https in the OS browser', () => {
    expect(isSafeExternalUrl('https://example.org/help')).toBe(true);
    for (const url of ['http://example.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'nonsense']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('tel: and sip: links', () => {
  it.each([
    ['tel:+44 7700-900555', '+447700900555'],
    ['tel:+44%207700%20900555', '+447700900555'],
    ['tel:(020) 7946.0018;phone-context=+44', '02079460018'],
    ['TEL:911', '911'],
    ['sip:1001@pbx.example.org', '1001'],
    ['sip:+447700900555@pbx.example.org;transport=ws', '+447700900555'],
    ['sips:alice.smith@pbx.example.org', 'alice.smith'],
  ])('%s dials %s', (link, number) => {
    expect(numberFromDialLink(link)).toBe(number);
  });

  it.each(['tel:', 'tel:abc', 'tel:+44<script>', 'sip:@host', 'sip:a"b@host', 'http://x/', `tel:${'1'.repeat(40)}`, 'tel:%E0%A4%A'])('%s dials nothing', (link) => {
    expect(numberFromDialLink(link)).toBeNull();
  });

  it('finds the link among a second instance argv', () => {
    expect(findDialLink(['/opt/OnCall Desk/oncall-desk', '--no-sandbox', 'tel:+447700900555'])).toBe('+447700900555');
    expect(findDialLink(['/usr/bin/electron', '.'])).toBeNull();
  });
});
