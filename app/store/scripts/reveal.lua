-- Link check, auth check, failure count, destruction, view spend, receipt update and their
-- events in one step: parallel wrong guesses cannot pass the limit and parallel right ones
-- cannot pass the views. A wrong link proof changes nothing.
-- KEYS: secret, receipt, stream, due index.
-- ARGV: link verifier, auth verifier, now, wrong codes allowed, id, client facts, stream TTL.
-- Returns {0} not found, {2, attempts_left} wrong code, {1, blob, views_left} revealed.
local head = blob_head(KEYS[1])
if #head < 64 or string.sub(head, 1, 32) ~= ARGV[1] then return {0} end
-- No receipt (evicted or deleted): not found, and no write, since a write would make a key
-- without a TTL.
local n = redis.call('HGET', KEYS[2], 'n')
if not n then return {0} end
if string.sub(head, 33, 64) ~= ARGV[2] then
  local f = redis.call('HINCRBY', KEYS[2], 'f', 1)
  local left = tonumber(ARGV[4]) - f
  if left < 0 then left = 0 end
  record(KEYS[2], KEYS[3], ARGV[5], 'w', ARGV[3], left, ARGV[6], ARGV[7])
  if left == 0 then
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[2], 's', 'destroyed', 'n', 0)
    redis.call('ZREM', KEYS[4], ARGV[5])
    record(KEYS[2], KEYS[3], ARGV[5], 'd', ARGV[3], '', ARGV[6], ARGV[7])
  end
  return {2, left}
end
n = tonumber(n) - 1
local c = blob_body(KEYS[1])
if n <= 0 then
  n = 0
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], ARGV[5])
end
redis.call('HSET', KEYS[2], 's', 'viewed', 'n', n)
record(KEYS[2], KEYS[3], ARGV[5], 'r', ARGV[3], n, ARGV[6], ARGV[7])
return {1, c, n}
