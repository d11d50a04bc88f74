// Built to dist/ and preloaded with `node --import` by test/cli/parts-without-client-node.test.ts: any import of
// @kubernetes/client-node in the process fails at once, naming the module that asked for it.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === "@kubernetes/client-node" || specifier.startsWith("@kubernetes/client-node/")) {
      throw new Error(`forbidden: ${context.parentURL ?? "the entry point"} imports ${specifier}`);
    }
    return nextResolve(specifier, context);
  },
});
