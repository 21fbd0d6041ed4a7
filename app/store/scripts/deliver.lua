-- Set the delivery state of one notification target. KEYS: receipt.
-- ARGV: target index (0-based), 'state:attempts:last_status'.
-- Never creates a receipt (a key without a TTL); returns 0 when it is gone.
local ds = redis.call('HGET', KEYS[1], 'ds')
if not ds then return 0 end
local parts = {}
for part in string.gmatch(ds, '[^|]+') do table.insert(parts, part) end
local i = tonumber(ARGV[1]) + 1
if i > #parts then return 0 end
parts[i] = ARGV[2]
redis.call('HSET', KEYS[1], 'ds', table.concat(parts, '|'))
return 1
