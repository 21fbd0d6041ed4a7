-- Shared by the request scripts (prepended after _events.lua): a request's state as a reader
-- must see it. Redis drops the answer key at its TTL without touching the hash, and the hash
-- outlives the request for its receipt, so 'open' past the expiry and 'answered' without its
-- answer both mean expired. Returns the state and the expiry, or nil for no request.
local function request_state(request, answer, now)
  local r = redis.call('HMGET', request, 's', 'e')
  if not r[1] then return nil, nil end
  local s = r[1]
  if s == 'open' and tonumber(now) >= tonumber(r[2]) then s = 'expired' end
  if s == 'answered' and redis.call('EXISTS', answer) == 0 then s = 'expired' end
  return s, r[2]
end
