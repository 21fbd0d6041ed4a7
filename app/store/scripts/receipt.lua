-- The creator's view. KEYS: secret, receipt, stream, due index. ARGV: id, stream TTL.
-- Returns {} for no receipt, else {newly expired (0, 1 read, 2 unread), state, views_left, expires_at, events,
-- delivery states, label, creator, kind}.
if redis.call('EXISTS', KEYS[2]) == 0 then return {} end
local fresh = settle_expiry(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2])
local r = redis.call('HMGET', KEYS[2], 's', 'n', 'e', 'ev', 'ds', 'l', 'by', 'k')
return {fresh, r[1], r[2], r[3], r[4] or '', r[5] or '', r[6] or '', r[7] or '', r[8] or ''}
