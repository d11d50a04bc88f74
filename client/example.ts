/**
 * Usage example of the typed client, as shown in the README. `test/client/example.test.ts`
 * runs it against a real krm API server, so it stays correct.
 *
 *   npx node dist/client/example.js http://127.0.0.1:8080 default
 */
import { pathToFileURL } from "node:url";
import { createKrmClient, isNotFound, KrmStatusError } from "./index.js";

export async function example(baseUrl: string, namespace: string, token?: string): Promise<string[]> {
  const lines: string[] = [];
  const krm = createKrmClient({
    baseUrl,
    ...(token !== undefined ? { token } : {}),
    timeoutMs: 5_000,
    retries: 3,
  });

  // List: typed V1Pod objects; timestamps are Dates, freshness comes from krm's headers.
  const pods = await krm.pods.list({ namespace, labelSelector: "app in (web,api)", limit: 100 });
  lines.push(`resourceVersion ${pods.metadata.resourceVersion ?? ""}, stale: ${pods.freshness.stale}`);
  for (const pod of pods.items) {
    lines.push(
      `${pod.metadata?.name ?? ""} ${pod.status?.phase ?? ""} created ${pod.metadata?.creationTimestamp?.toISOString() ?? ""}`,
    );
  }

  // Get one object; a missing one is a typed error carrying the Kubernetes Status.
  try {
    await krm.deployments.get(namespace, "does-not-exist");
  } catch (error) {
    if (!isNotFound(error)) throw error;
    lines.push(`not found: ${(error as KrmStatusError).status.message ?? ""}`);
  }

  // Watch from the list's resourceVersion; abort to stop.
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 2_000);
  try {
    for await (const event of krm.pods.watch({
      namespace,
      resourceVersion: pods.metadata.resourceVersion,
      signal: stop.signal,
    })) {
      lines.push(`${event.type} ${event.object.metadata?.name ?? ""}`);
      if (event.type !== "BOOKMARK") break;
    }
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [baseUrl = "http://127.0.0.1:8080", namespace = "default"] = process.argv.slice(2);
  example(baseUrl, namespace, process.env["KRM_TOKEN"]).then(
    (lines) => console.log(lines.join("\n")),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
