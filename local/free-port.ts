import { createServer } from "node:net";

/**
 * Asks the kernel for a free TCP port on `host` (default loopback) by binding port 0 and
 * closing again. The port is free at return; a child process that binds it a moment later
 * almost always gets it (the kernel hands out ephemeral ports in rotation), which is the
 * usual trade-off for servers that cannot be handed an open socket.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("listening socket has no port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
