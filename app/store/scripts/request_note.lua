-- Set the note once, before any answer. KEYS: request hash, answer.
-- ARGV: inbox verifier, note, note MAC, now.
-- Returns 0 for a wrong proof or no open request, 2 when a note is already set, 1 when set now.
if redis.call('HGET', KEYS[1], 'iv') ~= ARGV[1] then return 0 end
local s = request_state(KEYS[1], KEYS[2], ARGV[4])
if s ~= 'open' then return 0 end
if redis.call('HEXISTS', KEYS[1], 'm') == 1 then return 2 end
redis.call('HSET', KEYS[1], 'n', ARGV[2], 'm', ARGV[3])
return 1
