-- Link check, auth check, failure count, destruction, view spend and receipt update in one
-- step: parallel wrong guesses cannot pass the limit and parallel right ones cannot pass the
-- views. A wrong link proof changes nothing.
-- ARGV: link verifier, auth verifier, now (epoch s), wrong codes allowed.
-- Returns {0} not found, {2, attempts_left} wrong code, {1, blob, views_left} revealed.
local head = redis.call('GETRANGE', KEYS[1], 0, 63)
if #head < 64 or string.sub(head, 1, 32) ~= ARGV[1] then return {0} end
if string.sub(head, 33, 64) ~= ARGV[2] then
  local f = redis.call('HINCRBY', KEYS[2], 'f', 1)
  local left = tonumber(ARGV[4]) - f
  if left <= 0 then
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[2], 's', 'destroyed', 'n', 0)
    return {2, 0}
  end
  return {2, left}
end
local r = redis.call('HMGET', KEYS[2], 'n', 't')
if not r[1] then return {0} end
local n = tonumber(r[1]) - 1
local c = redis.call('GETRANGE', KEYS[1], 64, -1)
if n <= 0 then
  n = 0
  redis.call('DEL', KEYS[1])
end
local t = r[2]
if not t or t == '' then t = ARGV[3] else t = t .. ' ' .. ARGV[3] end
redis.call('HSET', KEYS[2], 's', 'viewed', 'n', n, 't', t)
return {1, c, n}
