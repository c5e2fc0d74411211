/**
 * Updates (issue 10 item 12, issue 14): the feed must be https, signing is configured per OS with
 * its secrets taken from the environment, and an update never restarts the app during a call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionAtQuit, feedProblem, feedUrlFromAppUpdateYml, initialUpdateState, shouldAskAgent } from '../../src-main/electron/update-policy';
import { ROOT } from '../support/api-server';

describe('the update feed', () => {
  it('is accepted only over https', () => {
    expect(feedProblem('https://updates.example.org/oncall/')).toBeNull();
    for (const url of ['http://updates.example.org/', 'ftp://x/', 'file:///tmp/feed', 'not a url', '', null, undefined]) {
      expect(feedProblem(url), String(url)).not.toBeNull();
    }
    expect(feedProblem('https://user:pass@updates.example.org/')).toMatch(/credentials/);
  });

  it("is read from electron-builder's app-update.yml", () => {
    const yml = 'provider: generic\nurl: https://updates.example.org/oncall\nupdaterCacheDirName: oncall-desk-updater\n';
    expect(feedUrlFromAppUpdateYml(yml)).toBe('https://updates.example.org/oncall');
    expect(feedUrlFromAppUpdateYml("url: 'http://plain.example/'")).toBe('http://plain.example/');
    expect(feedUrlFromAppUpdateYml('provider: generic')).toBeNull();
  });
});

describe('installing', () => {
  const idle = { calls: 0, ringing: 0 };
  const ready = { ...initialUpdateState, downloaded: '1.2.0' };

  it('asks the agent once per version, and only between calls', () => {
    expect(shouldAskAgent(initialUpdateState, idle)).toBe(false);
    expect(shouldAskAgent(ready, idle)).toBe(true);
    expect(shouldAskAgent(ready, { calls: 1, ringing: 0 })).toBe(false);
    expect(shouldAskAgent(ready, { calls: 0, ringing: 1 })).toBe(false);
    expect(shouldAskAgent({ ...ready, askedFor: '1.2.0' }, idle)).toBe(false);
    expect(shouldAskAgent({ ...ready, downloaded: '1.3.0', askedFor: '1.2.0' }, idle)).toBe(true);
  });

  it('installs at quit only when agreed and no call is ringing or in progress', () => {
    expect(actionAtQuit({ ...ready, agreed: true }, idle)).toBe('install');
    expect(actionAtQuit({ ...ready, agreed: true }, { calls: 1, ringing: 0 })).toBe('quit');
    expect(actionAtQuit({ ...ready, agreed: true }, { calls: 0, ringing: 2 })).toBe('quit');
    expect(actionAtQuit({ ...ready, agreed: false }, idle)).toBe('quit');
    expect(actionAtQuit({ ...ready, agreed: null }, idle)).toBe('quit');
    expect(actionAtQuit({ ...initialUpdateState, agreed: true }, idle)).toBe('quit');
  });
});

describe('electron-builder.yml', () => {
  const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));

  it('signs macOS (notarised, hardened, microphone entitled) and Windows, and fails an unsigned build', () => {
    expect(config.mac).toMatchObject({ forceCodeSigning: true, hardenedRuntime: true, notarize: true });
    const entitlements = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
    expect(entitlements).toContain('com.apple.security.device.audio-input');
    expect(entitlements).not.toContain('disable-library-validation');
    expect(config.win).toMatchObject({ forceCodeSigning: true, verifyUpdateCodeSignature: true });
    expect(config.win.signtoolOptions.signingHashAlgorithms).toEqual(['sha256']);
  });

  it('holds no signing secret: certificates and passwords come from the environment', () => {
    const text = JSON.stringify(config);
    for (const key of ['cscLink', 'cscKeyPassword', 'certificateFile', 'certificatePassword', 'appleIdPassword']) expect(text).not.toContain(key);
  });

  it('publishes the update feed from ONCALL_UPDATE_URL', () => {
    expect(config.publish).toMatchObject({ provider: 'generic', url: '${env.ONCALL_UPDATE_URL}' });
  });
});
