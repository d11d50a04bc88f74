/**
 * The ledger's one write: a batch of observations (and the feed position they came from)
 * applied atomically by one Lua script, so a change batch costs one Redis round trip.
 *
 * Per object uid the script keeps a record `{rv, o, c, r, g, k}`: the last applied
 * resourceVersion, whether it is reserving now (`o`), the time up to which its reservation
 * has been credited (`c`, ms), its rates, groups and their signature `k`. An observation
 * applies only if its resourceVersion is newer than the record's, so a replayed feed, a
 * restarted ledger or a second ledger writer never count twice; credited time only moves
 * forward, so no interval is credited twice either.
 *
 * Crediting `[from, to)` adds rate × seconds to the hash of every hour it spans
 * (`hour:<hour start ms>`, field `<resource>\t<group>`), which expires after the retention.
 * Hour keys are named by the script itself (they depend on the record it reads); they share
 * the ledger's hash tag, so in Redis Cluster they live in the same slot as the keys passed in.
 */
import { RedisScript } from "../../core/redis-script.js";
import type { RedisConnection } from "../../core/redis-connection.js";
import type { LedgerKeys } from "../../core/redis-keys.js";
import type { Observation } from "./observation.js";

/** How long hour buckets are kept: 400 days covers a year-over-year comparison. */
export const DEFAULT_RETENTION_MS = 400 * 24 * 3_600_000;
/** Observations per script call: one EVAL is atomic, so a huge one would block Redis for everyone. */
export const MAX_OBSERVATIONS_PER_CALL = 2_000;

const SOURCE = `
local objects, cursors = KEYS[1], KEYS[2]
local prefix, retention = ARGV[1], tonumber(ARGV[2])
local cursorField, cursorId, epochField, epoch = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local HOUR = 3600000
local function newer(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local function credit(rates, groups, from, to)
  local t = from
  while t < to do
    local hour = t - (t % HOUR)
    local stop = math.min(to, hour + HOUR)
    local seconds = (stop - t) / 1000
    local key = prefix .. string.format('%d', hour)
    for resource, rate in pairs(rates) do
      if rate ~= 0 then
        for _, group in ipairs(groups) do
          redis.call('HINCRBYFLOAT', key, resource .. '\\t' .. group, string.format('%.17g', rate * seconds))
        end
      end
    end
    redis.call('PEXPIREAT', key, string.format('%d', hour + HOUR + retention))
    t = stop
  end
end
local applied = 0
for i = 7, #ARGV do
  local o = cjson.decode(ARGV[i])
  local raw = redis.call('HGET', objects, o.u)
  local rec = raw and cjson.decode(raw) or nil
  if rec == nil or newer(o.v, rec.v) then
    applied = applied + 1
    local credited = rec and rec.c or nil
    local wasOpen = rec ~= nil and rec.o == 1
    local same = wasOpen and o.k ~= nil and o.k == rec.k and o.t == nil
    if wasOpen and not same then
      local stop = o.t or o.a
      if stop > rec.c then
        credit(rec.r, rec.g, rec.c, stop)
        credited = stop
      end
    end
    local next
    if o.k == nil then
      next = { v = o.v, o = 0, c = credited }
    elseif same then
      next = { v = o.v, o = 1, c = rec.c, r = rec.r, g = rec.g, k = rec.k }
    else
      local start = o.s
      if credited ~= nil and credited > start then start = credited end
      if o.t ~= nil then
        if not wasOpen and o.t > start then credit(o.r, o.g, start, o.t) end
        local stop = o.t
        if start > stop then stop = start end
        next = { v = o.v, o = 0, c = stop }
      else
        next = { v = o.v, o = 1, c = start, r = o.r, g = o.g, k = o.k }
      end
    end
    redis.call('HSET', objects, o.u, cjson.encode(next))
  end
end
if cursorField ~= '' then
  local current = redis.call('HGET', cursors, cursorField)
  local function parts(id)
    local ms, seq = string.match(id, '^(%d+)-(%d+)$')
    return ms or '0', seq or '0'
  end
  local newer_cursor = true
  if current then
    local ams, aseq = parts(cursorId)
    local bms, bseq = parts(current)
    local storedEpoch = redis.call('HGET', cursors, epochField)
    if storedEpoch == epoch then
      if ams == bms then newer_cursor = newer(aseq, bseq) else newer_cursor = newer(ams, bms) end
    end
  end
  if newer_cursor then
    redis.call('HSET', cursors, cursorField, cursorId, epochField, epoch)
  end
end
return applied
`;

const script = new RedisScript(SOURCE);

/** Where the applied batch came from: the feed position to resume after, and its epoch. */
export interface FeedPosition {
  readonly id: string;
  readonly epoch: string;
}

/** The JSON one observation travels as (short names: a batch of 2,000 is one script call). */
export function encodeObservation(observation: Observation): string {
  const reserving = observation.reserving;
  return JSON.stringify({
    u: observation.uid,
    v: observation.rv,
    a: observation.at,
    ...(reserving !== undefined
      ? {
          s: reserving.since,
          r: reserving.rates,
          g: reserving.groups,
          k: signatureOf(reserving.rates, reserving.groups),
        }
      : {}),
    ...(observation.until !== undefined ? { t: observation.until } : {}),
  });
}

/** Equal exactly when rates and groups are: an unchanged reservation is not split. */
export function signatureOf(rates: Readonly<Record<string, number>>, groups: readonly string[]): string {
  const sorted = Object.keys(rates)
    .sort()
    .map((name) => `${name}=${rates[name]}`);
  return `${sorted.join(",")}|${groups.join(",")}`;
}

export interface ApplyOptions {
  /** The kind the observations are of (pods or persistentvolumeclaims): its records are kept apart. */
  readonly kind: string;
  readonly retentionMs?: number;
  /** Advance the stored feed position with the batch (atomically). */
  readonly position?: FeedPosition;
}

/** Applies one batch (≤ MAX_OBSERVATIONS_PER_CALL); resolves to how many observations were new. */
export async function applyObservations(
  redis: RedisConnection,
  keys: LedgerKeys,
  observations: readonly Observation[],
  options: ApplyOptions,
): Promise<number> {
  if (observations.length > MAX_OBSERVATIONS_PER_CALL)
    throw new RangeError(
      `at most ${MAX_OBSERVATIONS_PER_CALL} observations per call, got ${observations.length}`,
    );
  const position = options.position;
  const kind = options.kind;
  const result = await script.run(
    redis,
    [keys.objects(kind), keys.cursors],
    [
      keys.hourPrefix,
      options.retentionMs ?? DEFAULT_RETENTION_MS,
      position !== undefined ? kind : "",
      position?.id ?? "",
      position !== undefined ? `${kind}:epoch` : "",
      position?.epoch ?? "",
      ...observations.map(encodeObservation),
    ],
  );
  return Number(result);
}
