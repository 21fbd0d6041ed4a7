-- The creator's view with the manage token. KEYS: request hash, answer. ARGV: now.
-- Returns {} for no request, else {state, created_at, expires_at, answered_at or '', events,
-- delivery states}.
local s, exp = request_state(KEYS[1], KEYS[2], ARGV[1])
if not s then return {} end
local r = redis.call('HMGET', KEYS[1], 'c', 'at', 'ev', 'ds')
return {s, r[1], exp, r[2] or '', r[3] or '', r[4] or ''}
