-- What the person answering may know; consumes nothing, records the opening (at most ARGV[6]
-- times). KEYS: request hash, answer, stream. ARGV: answer verifier, now, id, client facts,
-- stream TTL, opened cap.
-- Returns {state, note, note MAC, expires_at, verified asker or ''}, or false for a wrong proof or an ended request.
if redis.call('HGET', KEYS[1], 'av') ~= ARGV[1] then return false end
local s, exp = request_state(KEYS[1], KEYS[2], ARGV[2])
if s ~= 'open' and s ~= 'answered' and s ~= 'read' then return false end
local row = redis.call('HMGET', KEYS[1], 'n', 'm', 'o', 'by')
if tonumber(row[3] or '0') < tonumber(ARGV[6]) then
  redis.call('HINCRBY', KEYS[1], 'o', 1)
  record(KEYS[1], KEYS[3], ARGV[3], 'qo', ARGV[2], '', ARGV[4], ARGV[5])
end
return {s, row[1] or '', row[2] or '', exp, row[4] or ''}
