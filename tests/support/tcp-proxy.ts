/**
 * A loopback TCP proxy for failure tests: it forwards 127.0.0.1:<port> to a
 * target server and can drop, stall or black-hole connections on request, so a
 * test can make a real server look dead, silent or unreachable without touching it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** One client connection and its upstream connection. */
interface ProxiedConnection {
  client: Socket;
  /** Null while the connection is black-holed: nothing was opened upstream. */
  upstream: Socket | null;
  stalled: boolean;
  /** Bytes sent from the server to the client since the current byte trigger was armed. */
  downstreamBytes: number;
}

type ByteTrigger = { action: 'drop' | 'stall'; afterBytes: number };

export interface TcpProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Client connections accepted since the proxy started. */
  acceptedConnections(): number;
  /** Client connections open now, black-holed ones included. */
  openConnections(): number;
  /** Destroys every open connection at once, as a crashed server or a cut cable would. */
  dropAll(): void;
  /** Stops forwarding on every open connection but keeps its sockets open, so the peers see silence. */
  stall(): void;
  /** Accepts new connections but never connects them upstream and never responds. Open connections are not affected. */
  blackHole(): void;
  /**
   * Drops the first connection that sends `bytes` more bytes from the server to
   * the client, e.g. in the middle of a large FETCH. The trigger then disarms.
   */
  dropAfterBytes(bytes: number): void;
  /** Stalls the first connection that sends `bytes` more bytes from the server to the client. The trigger then disarms. */
  stallAfterBytes(bytes: number): void;
  /**
   * Ends every fault: stalled connections forward again, new connections are
   * forwarded, byte triggers are removed. Black-holed connections stay silent
   * until their client gives up.
   */
  resume(): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a proxy on an ephemeral port of 127.0.0.1 that forwards to `targetHost:targetPort`. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const connections = new Set<ProxiedConnection>();
  let accepted = 0;
  let blackHoling = false;
  let trigger: ByteTrigger | null = null;

  function destroy(connection: ProxiedConnection): void {
    connection.client.destroy();
    connection.upstream?.destroy();
    connections.delete(connection);
  }

  function stallConnection(connection: ProxiedConnection): void {
    connection.stalled = true;
    connection.client.pause();
    connection.upstream?.pause();
  }

  /** Forwards `source` to `target`, respecting back-pressure and the stall flag. */
  function forward(connection: ProxiedConnection, source: Socket, target: Socket, downstream: boolean): void {
    source.on('data', (chunk: Buffer) => {
      if (connection.stalled) {
        // A chunk already read when the stall began is held back until resume().
        source.pause();
        source.unshift(chunk);
        return;
      }
      if (!target.write(chunk)) {
        source.pause();
        target.once('drain', () => {
          if (!connection.stalled) source.resume();
        });
      }
      if (downstream && trigger) {
        connection.downstreamBytes += chunk.length;
        if (connection.downstreamBytes >= trigger.afterBytes) {
          const { action } = trigger;
          // One-shot, so the client's next connection works and can fetch the same data again.
          trigger = null;
          if (action === 'drop') {
            destroy(connection);
          } else {
            stallConnection(connection);
          }
        }
      }
    });
  }

  const server: Server = createServer((client) => {
    accepted += 1;
    const connection: ProxiedConnection = { client, upstream: null, stalled: false, downstreamBytes: 0 };
    connections.add(connection);
    client.on('error', () => destroy(connection));
    client.on('close', () => destroy(connection));
    if (blackHoling) {
      // Reads nothing and sends nothing, so only the client's own timeout can notice.
      client.pause();
      return;
    }
    const upstream = connect({ host: targetHost, port: targetPort });
    connection.upstream = upstream;
    upstream.on('error', () => destroy(connection));
    upstream.on('close', () => destroy(connection));
    forward(connection, client, upstream, false);
    forward(connection, upstream, client, true);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('TCP proxy did not get a TCP port');
  }

  function armTrigger(action: ByteTrigger['action'], bytes: number): void {
    trigger = { action, afterBytes: bytes };
    for (const connection of connections) connection.downstreamBytes = 0;
  }

  return {
    host: '127.0.0.1',
    port: address.port,
    acceptedConnections: () => accepted,
    openConnections: () => connections.size,
    dropAll() {
      for (const connection of [...connections]) destroy(connection);
    },
    stall() {
      for (const connection of connections) stallConnection(connection);
    },
    blackHole() {
      blackHoling = true;
    },
    dropAfterBytes: (bytes) => armTrigger('drop', bytes),
    stallAfterBytes: (bytes) => armTrigger('stall', bytes),
    resume() {
      blackHoling = false;
      trigger = null;
      for (const connection of connections) {
        if (!connection.stalled || connection.upstream === null) continue;
        connection.stalled = false;
        connection.client.resume();
        connection.upstream.resume();
      }
    },
    async close() {
      for (const connection of [...connections]) destroy(connection);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
