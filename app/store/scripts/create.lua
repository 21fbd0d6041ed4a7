-- Store a new secret. KEYS: the secret string, its receipt, its shard's stream and due index.
-- ARGV: verifiers||blob (or its piece 0, the other pieces following ARGV[16]), views, has_code (0/1), ttl, receipt retention, now, id, deliver (0/1),
-- sealed notification targets (or ''), initial delivery states (or ''), client facts (or ''),
-- the shard keys' TTL, the creator's verified e-mail (or ''), the creator's label (or ''), the kind the creator declared (or ''),
-- the event codes those targets want, as ',c,r,' (or '').
-- Returns 0 when the id is taken (the caller draws another), 1 when stored.
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = tonumber(ARGV[4])
local now = ARGV[6]
local exp = tonumber(now) + ttl
if #ARGV > 16 then
  local pieces = {'0', ARGV[1]}
  for i = 17, #ARGV do
    pieces[#pieces + 1] = tostring(i - 16)
    pieces[#pieces + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[1], unpack(pieces))
  redis.call('EXPIRE', KEYS[1], ttl)
else
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
end
redis.call('HSET', KEYS[2], 's', 'waiting', 'n', ARGV[2], 'f', 0, 'h', ARGV[3], 'e', exp)
if ARGV[8] == '1' then
  redis.call('HSET', KEYS[2], 'q', '1')
  -- Redis drops an expired key without telling anyone reliably: the due index lets the worker
  -- report the expiry.
  redis.call('ZADD', KEYS[4], exp, ARGV[7])
  redis.call('EXPIRE', KEYS[4], ARGV[12])
end
if ARGV[13] ~= '' then redis.call('HSET', KEYS[2], 'by', ARGV[13]) end
if ARGV[14] ~= '' then redis.call('HSET', KEYS[2], 'l', ARGV[14]) end
if ARGV[15] ~= '' then redis.call('HSET', KEYS[2], 'k', ARGV[15]) end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'nt', ARGV[9], 'ds', ARGV[10]) end
if ARGV[16] ~= '' then redis.call('HSET', KEYS[2], 'nw', ARGV[16]) end
redis.call('EXPIRE', KEYS[2], ttl + tonumber(ARGV[5]))
record(KEYS[2], KEYS[3], ARGV[7], 'c', now, '', ARGV[11], ARGV[12])
return 1
