-- A secret whose key is gone while its receipt still says waiting/viewed with views left has
-- expired; the receipt records that, so it is reported once.
-- Returns {} for no receipt, else {newly expired unread (0/1), state, views_left, expires_at, view times}.
local r = redis.call('HMGET', KEYS[2], 's', 'n', 'e', 't')
if not r[1] then return {} end
local fresh = 0
if (r[1] == 'waiting' or r[1] == 'viewed') and tonumber(r[2]) > 0 and redis.call('EXISTS', KEYS[1]) == 0 then
  if r[1] == 'waiting' then fresh = 1 end
  r[1] = 'expired'
  r[2] = '0'
  redis.call('HSET', KEYS[2], 's', 'expired', 'n', 0)
end
return {fresh, r[1], r[2], r[3], r[4]}
