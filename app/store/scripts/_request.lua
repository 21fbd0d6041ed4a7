-- Shared by the request scripts (prepended after _events.lua): a request's state as a reader
-- must see it. Redis drops the answer key at its TTL without touching the hash, and the hash
-- outlives the request for its receipt, so 'open' or 'answered' past the expiry and 'answered'
-- without its answer all mean expired. Returns the state and the expiry, or nil for no request.
local function request_state(request, answer, now)
  local r = redis.call('HMGET', request, 's', 'e')
  if not r[1] then return nil, nil end
  local s = r[1]
  if (s == 'open' or s == 'answered') and tonumber(now) >= tonumber(r[2]) then s = 'expired' end
  if s == 'answered' and redis.call('EXISTS', answer) == 0 then s = 'expired' end
  return s, r[2]
end

-- A request's member of its shard's due index (secrets' members are bare ids).
local function due_member(id)
  return 'r:' .. id
end

-- Record an expiry that has happened to a request left open or answered and unread, once (the
-- event's time is the expiry itself), and take it off the due index. One not expired yet stays
-- there for a later sweep. Returns 1 when recorded now, 0 otherwise.
local function settle_request_expiry(request, answer, stream, due, id, now, stream_ttl)
  local stored = redis.call('HGET', request, 's')
  if stored == 'open' or stored == 'answered' then
    local s, exp = request_state(request, answer, now)
    if s ~= 'expired' then return 0 end
    redis.call('DEL', answer)
    redis.call('HSET', request, 's', 'expired')
    redis.call('ZREM', due, due_member(id))
    record(request, stream, id, 'qx', exp, '', '', stream_ttl)
    return 1
  end
  redis.call('ZREM', due, due_member(id))
  return 0
end
