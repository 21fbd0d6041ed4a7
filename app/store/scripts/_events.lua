-- Shared by every script below (prepended when they are loaded): record one event of a secret.
-- The receipt keeps the history as one compact string ('ev': events joined by ';', each
-- 'code,at,arg[,ip,ua]'); a receipt flagged for delivery ('q' = 1) also writes the event to its
-- shard's stream in the same step, so there is no state change without its event and no event
-- without its change. The stream entry also says whether a target the creator named wants this
-- event ('t': by the receipt's 'nw', the codes they want; a receipt without 'nw' says 1 whenever
-- there are targets) and who the signed-in creator is ('b', 'l'), so the worker need not read the
-- receipt for them. Every key written here keeps a TTL.
local function record(receipt, stream, id, code, at, arg, facts, stream_ttl)
  local ev = code .. ',' .. at .. ',' .. arg
  if facts ~= '' then ev = ev .. ',' .. facts end
  local old = redis.call('HGET', receipt, 'ev')
  if old and old ~= '' then ev = old .. ';' .. ev end
  redis.call('HSET', receipt, 'ev', ev)
  if redis.call('HGET', receipt, 'q') == '1' then
    local last = string.match(ev, '[^;]*$')
    local entry = {'m', id .. ',' .. last}
    local about = redis.call('HMGET', receipt, 'nt', 'by', 'l', 'nw')
    local told = about[1] and (not about[4] or string.find(about[4], ',' .. code .. ',', 1, true))
    entry[#entry + 1] = 't'
    entry[#entry + 1] = told and '1' or '0'
    if about[2] then entry[#entry + 1] = 'b'; entry[#entry + 1] = about[2] end
    if about[3] then entry[#entry + 1] = 'l'; entry[#entry + 1] = about[3] end
    redis.call('XADD', stream, '*', unpack(entry))
    redis.call('EXPIRE', stream, stream_ttl)
  end
end
