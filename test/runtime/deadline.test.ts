import { createServer, type Socket } from 'node:net';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, InvocationTimeoutError, runUntilAborted } from '@recops/core/runtime';

/** An endpoint that accepts connections and never answers: a call to it only ends when given up. */
describe('runtime clients: the invocation fence', () => {
  const sockets = new Set<Socket>();
  /** Connections ever accepted: a socket may close again before a poll sees it (a loaded machine). */
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let endpoint = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses every call of an invocation whose signal is aborted, without sending it', async () => {
    const clients = createClients({ endpoint, region: 'us-east-1', env: {} });
    const fence = new AbortController();
    fence.abort(new Error('Task timed out after 1.00 seconds'));
    const refused = await runUntilAborted(fence.signal, () => clients.s3.send(new ListBucketsCommand({}))).catch((error) => error);
    expect(refused).toBeInstanceOf(InvocationTimeoutError);
    expect((refused as Error).message).toMatch(/^S3Client ListBucketsCommand refused: Task timed out after 1.00 seconds/);
    expect(connections).toBe(0);
  });

  it('gives up a call in flight when the invocation ends, and leaves calls outside any invocation alone', async () => {
    const clients = createClients({ endpoint, region: 'us-east-1', env: {} });
    const fence = new AbortController();
    const before = connections;
    const inFlight = runUntilAborted(fence.signal, () => clients.s3.send(new ListBucketsCommand({}))).catch((error) => error);
    await expect.poll(() => connections, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 1);
    fence.abort(new Error('the invocation has ended'));
    expect(await inFlight).toBeInstanceOf(InvocationTimeoutError);
    // No invocation: the call goes out and waits for its answer like any SDK call, until its caller gives up.
    const giveUp = new AbortController();
    const sent = connections;
    const outside = clients.s3.send(new ListBucketsCommand({}), { abortSignal: giveUp.signal }).catch((error) => error);
    await expect.poll(() => connections, { timeout: 10_000 }).toBeGreaterThan(sent);
    giveUp.abort();
    expect(await outside).not.toBeInstanceOf(InvocationTimeoutError);
  });
});
