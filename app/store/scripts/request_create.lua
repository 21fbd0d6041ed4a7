-- Store a new request. KEYS: the request hash, its answer, its shard's stream and due index.
-- ARGV: answer verifier, inbox verifier, ttl, receipt retention, now, id, deliver (0/1),
-- sealed notification targets (or ''), initial delivery states (or ''), client facts, stream TTL,
-- the signed-in asker's verified e-mail (or '').
-- Returns 0 when the id is taken (the caller draws another), 1 when stored.
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = tonumber(ARGV[3])
local exp = tonumber(ARGV[5]) + ttl
redis.call('HSET', KEYS[1], 'av', ARGV[1], 'iv', ARGV[2], 's', 'open', 'c', ARGV[5], 'e', exp)
if ARGV[7] == '1' then
  redis.call('HSET', KEYS[1], 'q', '1')
  -- As for secrets: Redis tells nobody when a key expires, so the worker's sweep finds the
  -- request here at its expiry and reports it if it ended unanswered or unread.
  redis.call('ZADD', KEYS[4], exp, due_member(ARGV[6]))
  redis.call('EXPIRE', KEYS[4], ARGV[11])
end
if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'nt', ARGV[8], 'ds', ARGV[9]) end
if ARGV[12] ~= '' then redis.call('HSET', KEYS[1], 'by', ARGV[12]) end
redis.call('EXPIRE', KEYS[1], ttl + tonumber(ARGV[4]))
record(KEYS[1], KEYS[3], ARGV[6], 'qc', ARGV[5], '', ARGV[10], ARGV[11])
return 1
