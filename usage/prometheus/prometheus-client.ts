/**
 * A small client of Prometheus' HTTP query API (`/api/v1/query`, `/api/v1/query_range`;
 * docs: https://prometheus.io/docs/prometheus/latest/querying/api/). It returns samples as
 * numbers and reports every failure as a `PrometheusError`: an unreachable server, a
 * non-JSON answer and an `"status": "error"` body alike, with the server's message.
 */

/** How long one query may take before it is abandoned: a long range over many series can take seconds. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
/**
 * Prometheus refuses range queries of more than 11,000 points per series; staying below keeps
 * any window answerable by widening the step instead of failing.
 */
export const MAX_POINTS_PER_SERIES = 10_000;

export class PrometheusError extends Error {
  override readonly name = "PrometheusError";
  constructor(
    message: string,
    /** Prometheus' `errorType` ("bad_data", "timeout", ...), or "unavailable" when there was no answer. */
    readonly errorType: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One series of a range query: its labels and `[unix seconds, value]` pairs in time order. */
export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, number])[];
}

/** One series of an instant query. */
export interface InstantSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly time: number;
  readonly value: number;
}

export interface RangeQuery {
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  /** Seconds between points; widened so no series exceeds {@link MAX_POINTS_PER_SERIES}. */
  readonly stepSeconds: number;
}

/** What right-sizing needs from Prometheus: a port, so tests of the logic above it need no server. */
export interface MetricsQuerier {
  queryRange(promql: string, range: RangeQuery): Promise<RangeSeries[]>;
  query(promql: string, timeSeconds?: number): Promise<InstantSample[]>;
}

export interface PrometheusClientOptions {
  /** Base URL, e.g. `http://prometheus.monitoring:9090` (a path prefix is kept). */
  readonly url: string;
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. an Authorization header for a proxy in front of Prometheus). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

/** The step a range query is sent with: at least `stepSeconds`, wide enough for the point limit. */
export function effectiveStep(range: RangeQuery): number {
  const span = Math.max(0, range.end - range.start);
  return Math.max(range.stepSeconds, Math.ceil(span / MAX_POINTS_PER_SERIES));
}

export class PrometheusClient implements MetricsQuerier {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PrometheusClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
    this.fetch = options.fetch ?? fetch;
  }

  async queryRange(promql: string, range: RangeQuery): Promise<RangeSeries[]> {
    const data = await this.post("/api/v1/query_range", {
      query: promql,
      start: String(range.start),
      end: String(range.end),
      step: String(effectiveStep(range)),
    });
    if (data.resultType !== "matrix" || !Array.isArray(data.result))
      throw new PrometheusError(`expected a matrix, got ${String(data.resultType)}`, "bad_response");
    return data.result.map((entry) => {
      const series = asRecord(entry);
      const values = Array.isArray(series["values"]) ? series["values"] : [];
      return { metric: labelsOf(series["metric"]), values: values.map(pointOf) };
    });
  }

  async query(promql: string, timeSeconds?: number): Promise<InstantSample[]> {
    const data = await this.post("/api/v1/query", {
      query: promql,
      ...(timeSeconds !== undefined ? { time: String(timeSeconds) } : {}),
    });
    if (data.resultType !== "vector" || !Array.isArray(data.result))
      throw new PrometheusError(`expected a vector, got ${String(data.resultType)}`, "bad_response");
    return data.result.map((entry) => {
      const sample = asRecord(entry);
      const [time, value] = pointOf(sample["value"]);
      return { metric: labelsOf(sample["metric"]), time, value };
    });
  }

  /** POSTs a form (no URL length limit for long selectors) and returns `data` of a success answer. */
  private async post(
    path: string,
    form: Record<string, string>,
  ): Promise<{ resultType: unknown; result: unknown }> {
    const url = `${this.base}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...this.options.headers },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PrometheusError(`Prometheus at ${this.base} did not answer: ${reason}`, "unavailable", {
        cause: error,
      });
    }
    let body: Record<string, unknown>;
    try {
      body = asRecord(JSON.parse(text));
    } catch {
      throw new PrometheusError(
        `Prometheus at ${this.base} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`,
        "bad_response",
      );
    }
    if (body["status"] !== "success") {
      const errorType = typeof body["errorType"] === "string" ? body["errorType"] : "bad_response";
      const message = typeof body["error"] === "string" ? body["error"] : `HTTP ${response.status}`;
      throw new PrometheusError(`Prometheus query failed (${errorType}): ${message}`, errorType);
    }
    const data = asRecord(body["data"]);
    return { resultType: data["resultType"], result: data["result"] };
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function labelsOf(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, label] of Object.entries(asRecord(value)))
    if (typeof label === "string") labels[name] = label;
  return labels;
}

/** `[1700000000.123, "0.25"]` → `[1700000000.123, 0.25]`; Prometheus sends values as strings ("NaN", "+Inf" included). */
function pointOf(value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2)
    throw new PrometheusError(`malformed sample ${JSON.stringify(value)}`, "bad_response");
  const pair: readonly unknown[] = value;
  return [Number(pair[0]), Number(pair[1])];
}
