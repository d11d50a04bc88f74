import { connect, createServer, type Server, type Socket } from "node:net";

export interface FaultProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Port to listen on (loopback); default a free one. Give the old port to restart a stopped proxy. */
  readonly port?: number;
}

/**
 * A TCP proxy on loopback in front of a server (the kube-apiserver, Redis, …) that injects
 * real network faults. It forwards bytes untouched, so TLS passes through: point a client at
 * {@link url} with the target's CA (ControlPlane.kubeconfigFor(proxy.url)); the API server's
 * certificate is valid for 127.0.0.1.
 */
export interface FaultProxy {
  /** https://127.0.0.1:<port> — the usual use is in front of the API server. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Destroys every live connection (the client sees a reset); returns how many there were. New connections still work. */
  cutAll(): number;
  /**
   * On: every live connection and every new one stays open but no byte flows either way, and
   * neither side gets FIN or RST — a half-open connection, only a client-side deadline can
   * notice. Off: new connections work again; connections that were blackholed stay dead (as
   * after a real network partition) until {@link cutAll} or {@link stop}.
   */
  blackhole(on: boolean): void;
  /** On: bytes stop flowing on all connections; off: they flow again, nothing lost (a stall, not a cut). */
  stall(on: boolean): void;
  /** On: new connections are reset as soon as they are accepted (server down); live ones are untouched. */
  refuse(on: boolean): void;
  /** Live client connections, blackholed ones included. */
  connectionCount(): number;
  /** What the proxy has done and seen since it started, so a fault test can assert each fault happened. */
  counts(): FaultProxyCounts;
  /** Closes the listener and destroys every connection. */
  stop(): Promise<void>;
}

export interface FaultProxyCounts {
  /** Connections destroyed by {@link FaultProxy.cutAll}. */
  readonly cut: number;
  /** Connections silenced by a blackhole: live ones when it went on, and new ones accepted while on. */
  readonly blackholed: number;
  /** Connections the target ended, reset or refused while the client still had its side open (e.g. a server restart). */
  readonly closedByTarget: number;
}

/** One client connection and, unless blackholed from the start, its upstream connection. */
interface ProxiedConnection {
  readonly client: Socket;
  upstream: Socket | undefined;
  /** Blackholed for good: never resumes. */
  dead: boolean;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const connections = new Set<ProxiedConnection>();
  let blackholed = false;
  let stalled = false;
  let refusing = false;
  let cut = 0;
  let blackholedCount = 0;
  let closedByTarget = 0;

  const mayFlow = (connection: ProxiedConnection): boolean => !connection.dead && !stalled;

  const freeze = (connection: ProxiedConnection): void => {
    connection.client.pause();
    connection.upstream?.pause();
  };

  const thaw = (connection: ProxiedConnection): void => {
    if (!mayFlow(connection)) return;
    connection.client.resume();
    connection.upstream?.resume();
  };

  const closeConnection = (connection: ProxiedConnection): void => {
    if (!connections.delete(connection)) return;
    connection.client.destroy();
    connection.upstream?.destroy();
  };

  /** Forwards with back-pressure, by hand rather than pipe(): pipe would resume a frozen socket on drain. */
  const forward = (from: Socket, to: Socket, connection: ProxiedConnection): void => {
    from.on("data", (chunk: Buffer) => {
      if (to.write(chunk)) return;
      from.pause();
      to.once("drain", () => {
        if (mayFlow(connection)) from.resume();
      });
    });
    from.on("end", () => to.end());
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const connection: ProxiedConnection = { client, upstream: undefined, dead: blackholed };
    connections.add(connection);
    client.on("error", () => closeConnection(connection));
    client.on("close", () => closeConnection(connection));
    if (connection.dead) {
      blackholedCount += 1;
      return; // accepted, then silence: paused since connect, no upstream.
    }

    let clientEnded = false;
    client.on("end", () => {
      clientEnded = true;
    });
    const upstream = connect({ host: options.targetHost, port: options.targetPort });
    connection.upstream = upstream;
    let targetGoneCounted = false;
    /** Counts once per connection; the bytes already sent still reach the client (end is not a destroy). */
    const countTargetGone = (): void => {
      if (targetGoneCounted || clientEnded || !connections.has(connection)) return;
      targetGoneCounted = true;
      closedByTarget += 1;
    };
    upstream.on("end", countTargetGone);
    upstream.on("error", () => {
      countTargetGone();
      closeConnection(connection);
    });
    upstream.on("close", () => {
      countTargetGone();
      closeConnection(connection);
    });
    upstream.on("connect", () => {
      forward(client, upstream, connection);
      forward(upstream, client, connection);
      if (mayFlow(connection)) client.resume();
      else freeze(connection);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: options.port ?? 0 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fault proxy has no port");
  const port = address.port;

  return {
    url: `https://127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    cutAll: () => {
      const count = connections.size;
      cut += count;
      for (const connection of [...connections]) {
        connections.delete(connection);
        connection.client.resetAndDestroy();
        connection.upstream?.destroy();
      }
      return count;
    },
    blackhole: (on) => {
      blackholed = on;
      if (!on) return;
      for (const connection of connections) {
        if (!connection.dead) blackholedCount += 1;
        connection.dead = true;
        freeze(connection);
      }
    },
    stall: (on) => {
      stalled = on;
      for (const connection of connections) {
        if (on) freeze(connection);
        else thaw(connection);
      }
    },
    refuse: (on) => {
      refusing = on;
    },
    connectionCount: () => connections.size,
    counts: () => ({ cut, blackholed: blackholedCount, closedByTarget }),
    stop: async () => {
      for (const connection of [...connections]) closeConnection(connection);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
