-- The creator's view with the manage token; records an expiry first seen here, as the sweep
-- would. KEYS: request hash, answer, stream, due index. ARGV: now, id, stream TTL.
-- Returns {} for no request, else {state, created_at, expires_at, answered_at or '', events,
-- delivery states}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
settle_request_expiry(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[2], ARGV[1], ARGV[3])
local s, exp = request_state(KEYS[1], KEYS[2], ARGV[1])
local r = redis.call('HMGET', KEYS[1], 'c', 'at', 'ev', 'ds')
return {s, r[1], exp, r[2] or '', r[3] or '', r[4] or ''}
