-- Read the answer once: proof check, read and delete in one step, so parallel readers get it
-- exactly once. A wrong proof changes nothing. KEYS: request hash, answer, stream, due index.
-- ARGV: inbox verifier, now, id, client facts, stream TTL.
-- Returns {1, sealed answer}, or {0} for a wrong proof or no answer to read.
if redis.call('HGET', KEYS[1], 'iv') ~= ARGV[1] then return {0} end
if request_state(KEYS[1], KEYS[2], ARGV[2]) ~= 'answered' then return {0} end
local blob = redis.call('GET', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 's', 'read')
-- Read in time: nothing left to expire.
redis.call('ZREM', KEYS[4], due_member(ARGV[3]))
record(KEYS[1], KEYS[3], ARGV[3], 'qr', ARGV[2], '', ARGV[4], ARGV[5])
return {1, blob}
