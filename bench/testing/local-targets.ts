import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { closeTarget, plainTarget, type HttpTarget } from "../http-target.js";

/**
 * A loopback HTTP server answering with `handler` for the tests of one file (started before
 * them, stopped after), and bench targets on it, each a name of its own; the targets' agents
 * are closed with the server.
 */
export function localTargets(handler: RequestListener): (name: string) => HttpTarget {
  let server: Server | undefined;
  const targets: HttpTarget[] = [];
  beforeAll(async () => {
    server = createServer(handler);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
  });
  afterAll(async () => {
    for (const target of targets) closeTarget(target);
    server?.close();
    if (server !== undefined) await once(server, "close");
  });
  return (name) => {
    if (server === undefined) throw new Error("localTargets: the server starts before the tests");
    const made = plainTarget(name, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    targets.push(made);
    return made;
  };
}
