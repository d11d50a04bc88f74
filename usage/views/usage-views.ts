/**
 * `usage.krm.dev/v1alpha1`, served on the API's derived-views hook (api/http/derived-views.ts):
 * - `usagereviews` (cluster, create): the reserved usage of a period from the ledger,
 *   answered in `status` (JSON) or as CSV with `Accept: text/csv`; nothing is stored;
 * - `recommendations` (namespaced, get/list, Tables): right-sizing per workload from the
 *   cached pods and Prometheus' consumption; 503 when no `--prometheus-url` is configured.
 */
import type { DerivedViewsContext, RunningDerivedViews } from "../../api/index.js";
import type { DerivedRequest } from "../../api/http/derived-views.js";
import { readJsonBody } from "../../api/http/read-body.js";
import { sendJson, sendText } from "../../api/http/respond.js";
import { tableRequestOf } from "../../api/table/table-response.js";
import {
  BadRequestError,
  InvalidError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from "../../api/errors.js";
import { isServable, requireServable } from "../../api/served-kind.js";
import { parseCachedObject } from "../../api/replica/cached-object.js";
import { createRedis } from "../../core/redis-connection.js";
import { ledgerKeys } from "../../core/redis-keys.js";
import { hourRange, readGroupTotals } from "../ledger/ledger-reader.js";
import type { MetricsQuerier } from "../prometheus/prometheus-client.js";
import { autoscalersByWorkload, type AutoscalerLike } from "../rightsizing/autoscalers.js";
import { readConsumption } from "../rightsizing/consumption.js";
import type { RightsizingPolicy } from "../rightsizing/policy.js";
import {
  recommendWorkloads,
  type RecommendablePod,
  type WorkloadRecommendation,
} from "../rightsizing/recommend-workloads.js";
import { parseUsageSpec, usageStatus, UsageReviewError } from "../review/usage-review.js";
import { USAGE_API_VERSION, USAGE_GROUP, USAGE_VERSION } from "../review/usage-review-types.js";
import {
  RECOMMENDATION_COLUMNS,
  recommendationCells,
  recommendationObject,
} from "./recommendation-object.js";
import { usageCsv } from "./usage-csv.js";
import { usagePanelReader } from "./usage-panel.js";

/** How long computed recommendations are reused: Prometheus range queries are not cheap, and advice changes slowly. */
export const RECOMMENDATION_CACHE_MS = 30_000;

/** What the accuracy field of every review says; usage/README.md explains it. */
export const USAGE_ACCURACY =
  "reserved time from object timestamps (1 s resolution) per start and stop; an end krm missed while down is charged until krm saw the object gone (usage/README.md)";

export interface UsageViewsOptions {
  /** Where recommendations read consumption; undefined serves 503 for recommendations. */
  readonly prometheus?: MetricsQuerier;
  readonly policy: RightsizingPolicy;
  /** Label keys the ledger rolls up by (groupBy label:KEY must be one of them). */
  readonly labelKeys: readonly string[];
  readonly now?: () => number;
}

export function usageViews(
  options: UsageViewsOptions,
): (context: DerivedViewsContext) => RunningDerivedViews {
  return (context) => {
    const redis = createRedis(context.redisUrl, "krm-usage-views");
    redis.on("error", () => undefined);
    const keys = ledgerKeys(context.keyPrefix);
    const now = options.now ?? Date.now;
    const cache = new Map<
      string,
      { at: number; rows: Promise<WorkloadRecommendation[]>; fromMs: number; toMs: number }
    >();

    const recommendations = (namespace: string | undefined) => {
      const prometheus = options.prometheus;
      if (prometheus === undefined)
        throw new ServiceUnavailableError(
          "recommendations need consumption data: start krm with --prometheus-url",
          60,
        );
      const pods = context.kinds.get("pods");
      if (pods === undefined) throw new NotFoundError("recommendations need the pods kind to be cached");
      requireServable(pods);
      const key = namespace ?? "";
      const at = now();
      const cached = cache.get(key);
      if (cached !== undefined && at - cached.at < RECOMMENDATION_CACHE_MS) return cached;
      const objects: RecommendablePod[] = [];
      for (const object of pods.replica.objectsAt(pods.replica.position, namespace, "") ?? [])
        objects.push(parseCachedObject(object) as RecommendablePod);
      const autoscalers = autoscalersByWorkload(cachedAutoscalers(context, namespace));
      const entry = {
        at,
        fromMs: at - options.policy.windowMs,
        toMs: at,
        rows: readConsumption(prometheus, options.policy, {
          ...(namespace !== undefined ? { namespace } : {}),
          endMs: at,
        }).then(
          (consumption) => recommendWorkloads(objects, consumption, options.policy, autoscalers),
          (error: unknown) => {
            cache.delete(key);
            throw new ServiceUnavailableError(
              `cannot read consumption from Prometheus: ${error instanceof Error ? error.message : String(error)}`,
              10,
            );
          },
        ),
      };
      cache.set(key, entry);
      return entry;
    };

    const serveRecommendations = async (request: DerivedRequest): Promise<string> => {
      const { route, query } = request;
      if (request.method !== "GET" && request.method !== "HEAD")
        throw new MethodNotAllowedError(request.method);
      if (route.subresource !== undefined)
        throw new NotFoundError("the server could not find the requested resource");
      await request.authorize(route.name === undefined ? "list" : "get", route.name);
      if (route.name !== undefined && route.namespace === undefined)
        throw new NotFoundError("the server could not find the requested resource");
      const table = tableRequestOf(request.request.headers.accept, query);
      const { rows, fromMs, toMs } = recommendations(route.namespace);
      const all = await rows;
      const window = { fromMs, toMs, policy: options.policy, source: "prometheus" };
      const selected = route.name === undefined ? all : all.filter((row) => row.name === route.name);
      if (route.name !== undefined && selected.length === 0)
        throw new NotFoundError(`recommendations.${USAGE_GROUP} "${route.name}" not found`, {
          name: route.name,
          group: USAGE_GROUP,
          kind: "recommendations",
        });
      if (table !== undefined) {
        sendJson(
          request.response,
          200,
          JSON.stringify({
            kind: "Table",
            apiVersion: table.apiVersion,
            metadata: {},
            columnDefinitions: RECOMMENDATION_COLUMNS,
            rows: selected.map((row) => {
              const object = recommendationObject(row, window);
              return {
                cells: recommendationCells(row),
                ...(table.includeObject === "Object"
                  ? { object }
                  : table.includeObject === "Metadata"
                    ? {
                        object: {
                          kind: "PartialObjectMetadata",
                          apiVersion: table.apiVersion,
                          metadata: object["metadata"],
                        },
                      }
                    : {}),
              };
            }),
          }),
        );
        return route.name === undefined ? "list" : "get";
      }
      if (route.name !== undefined) {
        const [only] = selected;
        if (only !== undefined)
          sendJson(request.response, 200, JSON.stringify(recommendationObject(only, window)));
        return "get";
      }
      sendJson(
        request.response,
        200,
        JSON.stringify({
          apiVersion: USAGE_API_VERSION,
          kind: "RecommendationList",
          metadata: {},
          items: selected.map((row) => recommendationObject(row, window)),
        }),
      );
      return "list";
    };

    const serveReview = async (request: DerivedRequest): Promise<string> => {
      const { route } = request;
      if (request.method !== "POST") throw new MethodNotAllowedError(request.method);
      if (route.name !== undefined || route.namespace !== undefined)
        throw new NotFoundError("the server could not find the requested resource");
      await request.authorize("create");
      const body = await readJsonBody(request.request);
      const review =
        typeof body === "object" && body !== null && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : {};
      if (review["kind"] !== undefined && review["kind"] !== "UsageReview")
        throw new BadRequestError(
          `the body must be a UsageReview, not ${JSON.stringify(review["kind"]).slice(0, 60)}`,
        );
      if (review["apiVersion"] !== undefined && review["apiVersion"] !== USAGE_API_VERSION)
        throw new BadRequestError(`apiVersion must be ${USAGE_API_VERSION}`);
      let parsed;
      try {
        parsed = parseUsageSpec(review["spec"], now());
      } catch (error) {
        if (!(error instanceof UsageReviewError)) throw error;
        throw new InvalidError(`UsageReview.${USAGE_GROUP} is invalid: ${error.message}`, {
          kind: "UsageReview",
          group: USAGE_GROUP,
          causes: [{ reason: "FieldValueInvalid", message: error.message }],
        });
      }
      if (parsed.labelKey !== undefined && !options.labelKeys.includes(parsed.labelKey))
        throw new InvalidError(
          `spec.groupBy: the ledger rolls up by namespace${options.labelKeys.map((k) => `, label:${k}`).join("")} only; add ${parsed.labelKey} to --usage-labels`,
          { kind: "UsageReview", group: USAGE_GROUP },
        );
      return context.reviews.run(async () => {
        const at = now();
        const range = hourRange(parsed.fromMs, parsed.toMs);
        let totals;
        try {
          totals = await readGroupTotals(redis, keys, range, at);
        } catch (error) {
          if (error instanceof RangeError)
            throw new InvalidError(`spec: ${error.message}`, { kind: "UsageReview", group: USAGE_GROUP });
          throw error;
        }
        const status = usageStatus(
          parsed,
          totals,
          { fromMs: range.fromMs, toMs: Math.min(range.toMs, at) },
          USAGE_ACCURACY,
        );
        const accept = request.request.headers.accept ?? "";
        if (/\btext\/csv\b/.test(accept)) {
          sendText(request.response, 200, usageCsv(status), "text/csv; charset=utf-8");
          return "create";
        }
        const metadata =
          typeof review["metadata"] === "object" && review["metadata"] !== null ? review["metadata"] : {};
        sendJson(
          request.response,
          201,
          JSON.stringify({
            apiVersion: USAGE_API_VERSION,
            kind: "UsageReview",
            metadata,
            spec: review["spec"],
            status,
          }),
        );
        return "create";
      });
    };

    return {
      group: USAGE_GROUP,
      version: USAGE_VERSION,
      resources: [
        {
          name: "usagereviews",
          singularName: "usagereview",
          kind: "UsageReview",
          namespaced: false,
          verbs: ["create"],
        },
        {
          name: "recommendations",
          singularName: "recommendation",
          kind: "Recommendation",
          namespaced: true,
          verbs: ["get", "list"],
          shortNames: ["rec"],
        },
      ],
      dashboardUsage: usagePanelReader(redis, keys, now),
      handle: async (request) => {
        switch (request.route.resource) {
          case "usagereviews":
            return serveReview(request);
          case "recommendations":
            return serveRecommendations(request);
          default:
            throw new NotFoundError("the server could not find the requested resource");
        }
      },
      stop: async () => {
        redis.disconnect();
        await Promise.resolve();
      },
    };
  };
}

/** The HPAs krm caches (when autoscaling's horizontalpodautoscalers is one of its kinds and servable); else none. */
function cachedAutoscalers(context: DerivedViewsContext, namespace: string | undefined): AutoscalerLike[] {
  for (const kind of context.kinds.values()) {
    if (kind.spec.resource !== "horizontalpodautoscalers" || kind.spec.group !== "autoscaling") continue;
    if (!isServable(kind)) return [];
    return [...(kind.replica.objectsAt(kind.replica.position, namespace, "") ?? [])].map(
      (object) => parseCachedObject(object) as AutoscalerLike,
    );
  }
  return [];
}
