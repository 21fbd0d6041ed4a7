-- Burn with the manage token: the request can no longer be answered, and an unread answer is
-- deleted. KEYS: request hash, answer, stream, due index. ARGV: now, id, client facts, stream TTL.
-- Returns 0 without a request, 1 for one that had already ended (a no-op), 2 when burned now.
local s = request_state(KEYS[1], KEYS[2], ARGV[1])
if not s then return 0 end
if s ~= 'open' and s ~= 'answered' then return 1 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 's', 'burned')
redis.call('ZREM', KEYS[4], due_member(ARGV[2]))
record(KEYS[1], KEYS[3], ARGV[2], 'qb', ARGV[1], '', ARGV[3], ARGV[4])
return 2
