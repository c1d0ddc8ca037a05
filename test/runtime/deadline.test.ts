import { createServer, type Socket } from 'node:net';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, InvocationTimeoutError, runUntilAborted } from '@recops/core/runtime';

/** An endpoint that accepts connections and never answers: a call to it only ends when given up. */
describe('runtime clients: the invocation fence', () => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
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
    expect(sockets.size).toBe(0);
  });

  it('gives up a call in flight when the invocation ends, and leaves calls outside any invocation alone', async () => {
    const clients = createClients({ endpoint, region: 'us-east-1', env: {} });
    const fence = new AbortController();
    const inFlight = runUntilAborted(fence.signal, () => clients.s3.send(new ListBucketsCommand({}))).catch((error) => error);
    await expect.poll(() => sockets.size).toBe(1);
    fence.abort(new Error('the invocation has ended'));
    expect(await inFlight).toBeInstanceOf(InvocationTimeoutError);
    // No invocation: the call goes out and waits for its answer like any SDK call.
    const outside = clients.s3.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(200) }).catch((error) => error);
    await expect.poll(() => sockets.size).toBeGreaterThanOrEqual(2);
    expect(await outside).not.toBeInstanceOf(InvocationTimeoutError);
  });
});
