-- Shared by every script below (prepended when they are loaded): record one event of a secret.
-- The receipt keeps the history as one compact string ('ev': events joined by ';', each
-- 'code,at,arg[,ip,ua]'); a receipt flagged for delivery ('q' = 1) also writes the event to its
-- shard's stream in the same step, so there is no state change without its event and no event
-- without its change. Every key written here keeps a TTL.
local function record(receipt, stream, id, code, at, arg, facts, stream_ttl)
  local ev = code .. ',' .. at .. ',' .. arg
  if facts ~= '' then ev = ev .. ',' .. facts end
  local old = redis.call('HGET', receipt, 'ev')
  if old and old ~= '' then ev = old .. ';' .. ev end
  redis.call('HSET', receipt, 'ev', ev)
  if redis.call('HGET', receipt, 'q') == '1' then
    local last = string.match(ev, '[^;]*$')
    redis.call('XADD', stream, '*', 'm', id .. ',' .. last)
    redis.call('EXPIRE', stream, stream_ttl)
  end
end
