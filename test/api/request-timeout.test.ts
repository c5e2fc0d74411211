/** A client that stops sending mid-request gets 408 in the error format and its connection back. */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ env: { REQUEST_TIMEOUT_MS: '1000' } });
});
afterAll(() => stopAndClean(server));

it('answers 408 REQUEST_TIMEOUT to a request whose body never finishes', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":',
      );
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    // Without the request timeout the server would wait for the body forever: any answer at all
    // proves it; the deadline only keeps a broken server from hanging the test.
    setTimeout(() => reject(new Error('no answer in 25 s')), 25_000).unref();
  });
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'REQUEST_TIMEOUT' } });
});
