import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import type { INestApplication, LoggerService } from '@nestjs/common';

/** A connection accepted just before SIGTERM may not have sent its request yet: it gets this long to. */
const NEW_CONNECTION_GRACE_MS = 500;
const IDLE_SWEEP_MS = 100;

/**
 * SIGTERM / SIGINT: stop accepting connections, answer what is in flight or arriving on open connections
 * (every answer from then on carries `Connection: close`, so keep-alive clients go away after it), end the
 * live event streams, close idle connections, then close the application (database, Redis) and exit —
 * within `timeoutMs` (SHUTDOWN_TIMEOUT_MS: how long in-flight requests may take) plus a moment, whatever the clients do.
 *
 * Node's own server.close() would close idle connections at once, which resets a connection whose request
 * has not been read yet, and would keep serving keep-alive connections until their clients stop.
 */
export function closeGracefullyOnSignals(app: INestApplication, logger: LoggerService, beforeDrain: () => void, timeoutMs: number): void {
  const server = app.getHttpServer() as Server;
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  const connections = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  const shutdown = async (signal: string) => {
    const started = Date.now();
    logger.log(`${signal}: no new connections; answering ${inFlight.size} request(s) in flight on ${connections.size} connection(s)`);
    // Whatever happens below, the process is gone shortly after the drain's deadline.
    setTimeout(() => {
      logger.error(`shutdown still not done after ${Date.now() - started} ms: exiting`);
      process.exit(1);
    }, timeoutMs + 1_500).unref();
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // net.Server's close stops listening and leaves open connections alone (http.Server's would cut idle ones now).
    net.Server.prototype.close.call(server);
    beforeDrain();
    await drain(server, connections, started, timeoutMs);
    const cut = connections.size;
    if (cut > 0) {
      logger.warn(`${cut} connection(s) still busy after ${timeoutMs} ms: closed`);
      server.closeAllConnections();
    }
    await app.close();
    logger.log(`stopped in ${Date.now() - started} ms`);
    process.exit(0);
  };
  // Ctrl-C under `npm start` brings SIGINT from the terminal and SIGTERM from the launcher: one shutdown.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      shutdown(signal).catch((error: Error) => {
        logger.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      });
    });
  }
}

async function drain(server: Server, connections: Set<net.Socket>, started: number, timeoutMs: number): Promise<void> {
  await sleep(NEW_CONNECTION_GRACE_MS);
  while (connections.size > 0 && Date.now() - started < timeoutMs) {
    server.closeIdleConnections();
    if (connections.size === 0) break;
    await sleep(IDLE_SWEEP_MS);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
