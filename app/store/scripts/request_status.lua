-- The asker's look at the inbox; consumes nothing. KEYS: request hash, answer.
-- ARGV: inbox verifier, now. Returns {state, answered_at or '', expires_at}, or false.
if redis.call('HGET', KEYS[1], 'iv') ~= ARGV[1] then return false end
local s, exp = request_state(KEYS[1], KEYS[2], ARGV[2])
return {s, redis.call('HGET', KEYS[1], 'at') or '', exp}
