-- Store a new secret: KEYS[1] the secret string, KEYS[2] its receipt hash.
-- ARGV: verifiers||blob, views, has_code (0/1), ttl, receipt retention, now (epoch s).
-- Returns 0 when the id is taken (the caller draws another), 1 when stored.
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = tonumber(ARGV[4])
local exp = tonumber(ARGV[6]) + ttl
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
redis.call('HSET', KEYS[2], 's', 'waiting', 'n', ARGV[2], 'f', 0, 'h', ARGV[3], 'e', exp, 't', '')
redis.call('EXPIRE', KEYS[2], ttl + tonumber(ARGV[5]))
return 1
