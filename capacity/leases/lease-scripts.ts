/**
 * The Lua scripts that change leases. Each runs atomically in Redis, so two API replicas
 * racing for the last room cannot both get it: the check against the leased totals and the
 * increment happen in one step. Time is Redis' own (TIME), so replicas' clocks don't matter.
 *
 * KEYS (one hash tag, legal in Redis Cluster): 1 leases (hash name → record JSON),
 * 2 expiry (zset name → ms: lapse time of a Granted lease, or purge time of an Expired one),
 * 3 leased (hash `pool|resource` → lease units held), 4 version (counter, bumped per change).
 * Amounts are strings of integers in lease units (lease-units.ts).
 */
import { RedisScript } from "../../core/redis-script.js";

/** How long an Expired lease stays listed (so its holder can see it lapsed) before it is purged. */
export const EXPIRED_RETENTION_MS = 10 * 60_000;

const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function hold(lease, sign)
  for _, pool in ipairs(lease.status.pools) do
    for resource, amount in pairs(lease.units) do
      local field = pool .. '|' .. resource
      -- Amounts stay strings: a Lua number would print as 1.2e+15 beyond 14 digits.
      local delta = amount
      if sign < 0 then delta = '-' .. amount end
      local left = redis.call('HINCRBY', KEYS[3], field, delta)
      if left == 0 then redis.call('HDEL', KEYS[3], field) end
    end
  end
end
local function purge(now)
  local changed = false
  for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
    local raw = redis.call('HGET', KEYS[1], name)
    redis.call('ZREM', KEYS[2], name)
    if raw then
      local lease = cjson.decode(raw)
      if lease.status.phase == 'Granted' then
        hold(lease, -1)
        lease.status.phase = 'Expired'
        redis.call('HSET', KEYS[1], name, cjson.encode(lease))
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), name)
      else
        redis.call('HDEL', KEYS[1], name)
      end
      changed = true
    end
  end
  if changed then redis.call('INCR', KEYS[4]) end
end
`;

/** ARGV: retentionMs. Returns the version. */
export const PURGE = new RedisScript(`${COMMON}
purge(now_ms())
return redis.call('GET', KEYS[4]) or '0'
`);

/**
 * ARGV: retentionMs, name, record JSON (units filled, status.pools empty), ttlMs, pools wanted,
 * resource count R, R names, R amounts, then per candidate pool (best first): name and R rooms
 * (reservable − requested, in lease units, as the caller's aggregates see them).
 * Returns {'granted', record} | {'exists'} | {'short', missing per pool: "pool|resource|short", ...}.
 */
export const ACQUIRE = new RedisScript(`${COMMON}
local now = now_ms()
purge(now)
local name = ARGV[2]
if redis.call('HEXISTS', KEYS[1], name) == 1 then return {'exists'} end
local lease = cjson.decode(ARGV[3])
local ttl = tonumber(ARGV[4])
local wanted = tonumber(ARGV[5])
local r = tonumber(ARGV[6])
local names, amounts = {}, {}
for i = 1, r do
  names[i] = ARGV[6 + i]
  amounts[i] = tonumber(ARGV[6 + r + i])
end
local chosen, missing = {}, {}
local at = 7 + 2 * r
while at <= #ARGV and #chosen < wanted do
  local pool = ARGV[at]
  local fits = true
  for i = 1, r do
    local held = tonumber(redis.call('HGET', KEYS[3], pool .. '|' .. names[i]) or '0')
    local room = tonumber(ARGV[at + i]) - held
    if room < amounts[i] then
      fits = false
      table.insert(missing, pool .. '|' .. names[i] .. '|' .. string.format('%.0f', amounts[i] - room))
    end
  end
  if fits then table.insert(chosen, pool) end
  at = at + 1 + r
end
if #chosen < wanted then
  table.insert(missing, 1, 'short')
  return missing
end
lease.status.pools = chosen
lease.status.phase = 'Granted'
lease.status.expiresAtMs = now + ttl
lease.metadata.creationTimestampMs = now
hold(lease, 1)
local version = redis.call('INCR', KEYS[4])
lease.metadata.resourceVersion = tostring(version)
local raw = cjson.encode(lease)
redis.call('HSET', KEYS[1], name, raw)
redis.call('ZADD', KEYS[2], now + ttl, name)
return {'granted', raw}
`);

/** ARGV: retentionMs, name, holder ('' skips the check). Returns {'released', record} | {'missing'} | {'holder', holder}. */
export const RELEASE = new RedisScript(`${COMMON}
purge(now_ms())
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return {'missing'} end
local lease = cjson.decode(raw)
if ARGV[3] ~= '' and lease.spec.holder ~= ARGV[3] then return {'holder', lease.spec.holder} end
if lease.status.phase == 'Granted' then hold(lease, -1) end
lease.status.phase = 'Released'
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
lease.metadata.resourceVersion = tostring(redis.call('INCR', KEYS[4]))
return {'released', cjson.encode(lease)}
`);

/** ARGV: retentionMs, name, holder, ttlMs. Returns {'renewed', record} | {'missing'} | {'holder', h} | {'expired'}. */
export const RENEW = new RedisScript(`${COMMON}
local now = now_ms()
purge(now)
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return {'missing'} end
local lease = cjson.decode(raw)
if lease.spec.holder ~= ARGV[3] then return {'holder', lease.spec.holder} end
if lease.status.phase ~= 'Granted' then return {'expired'} end
lease.status.expiresAtMs = now + tonumber(ARGV[4])
lease.spec.ttlSeconds = math.floor(tonumber(ARGV[4]) / 1000)
lease.metadata.resourceVersion = tostring(redis.call('INCR', KEYS[4]))
raw = cjson.encode(lease)
redis.call('HSET', KEYS[1], ARGV[2], raw)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[2])
return {'renewed', raw}
`);
