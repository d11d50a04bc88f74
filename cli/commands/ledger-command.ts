import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startLedger } from "../../usage/ledger/index.js";
import { commonConfig, kindsConfig } from "../config.js";
import type { FlagValues } from "../parse-flags.js";
import { usageLabels } from "../usage-config.js";

/** `krm ledger`: the usage ledger on its own, following the pods and PVC change feeds. */
export function ledgerCommand(values: FlagValues, logger: Logger): Promise<RunningPart[]> {
  const common = commonConfig(values);
  const labelKeys = usageLabels(values);
  const ledger = startLedger({
    kinds: kindsConfig({ kinds: "pods,persistentvolumeclaims" }),
    redisUrl: common.redisUrl,
    keyPrefix: common.keyPrefix,
    labelKeys,
    logger: logger.child({ part: "ledger" }),
  });
  logger.info({ labelKeys, kinds: ledger.followers.length }, "ledger following the change feeds");
  return Promise.resolve([ledger]);
}
