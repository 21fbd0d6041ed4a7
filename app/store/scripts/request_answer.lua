-- The one answer: proof check, state check, the sealed answer and its event in one step, so
-- parallel or replayed answers cannot both land. A wrong proof changes nothing.
-- KEYS: request hash, answer, stream. ARGV: answer verifier, sealed answer, now, id, client
-- facts, stream TTL.
-- Returns 0 for a wrong proof or an ended request, 2 when already answered, 1 when stored now.
if redis.call('HGET', KEYS[1], 'av') ~= ARGV[1] then return 0 end
local s, exp = request_state(KEYS[1], KEYS[2], ARGV[3])
if s == 'answered' or s == 'read' then return 2 end
if s ~= 'open' then return 0 end
-- The answer lives no longer than the request it answers.
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(exp) - tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 's', 'answered', 'at', ARGV[3])
record(KEYS[1], KEYS[3], ARGV[4], 'qa', ARGV[3], '', ARGV[5], ARGV[6])
return 1
