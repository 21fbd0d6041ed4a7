-- Shared: a secret whose ciphertext is gone while its receipt still says waiting/viewed with
-- views left has expired. Record that once (the event's time is the expiry itself) and take the
-- secret off its shard's due index. Returns 2 when it was recorded now and no view had been spent,
-- 1 when it was recorded now after a view, 0 otherwise.
local function settle_expiry(secret, receipt, stream, due, id, stream_ttl)
  local r = redis.call('HMGET', receipt, 's', 'n', 'e')
  if not r[1] then
    redis.call('ZREM', due, id)
    return 0
  end
  if (r[1] == 'waiting' or r[1] == 'viewed') and tonumber(r[2]) > 0 then
    if redis.call('EXISTS', secret) == 1 then return 0 end
    redis.call('HSET', receipt, 's', 'expired', 'n', 0)
    redis.call('ZREM', due, id)
    record(receipt, stream, id, 'x', r[3], '', '', stream_ttl)
    if r[1] == 'waiting' then return 2 end
    return 1
  end
  redis.call('ZREM', due, id)
  return 0
end
