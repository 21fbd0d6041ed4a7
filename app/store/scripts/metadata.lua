-- What a link holder may know before reading; consumes nothing, but records that the link was
-- opened (a page load, perhaps a preview bot that runs scripts), at most ARGV[6] times.
-- KEYS: secret, receipt, stream. ARGV: link verifier, now, id, client facts, stream TTL, opened cap.
-- Returns {has_code, views_left, expires_at, verified sender or ''}, or nil for a wrong proof or a missing receipt.
if string.sub(blob_head(KEYS[1]), 1, 32) ~= ARGV[1] then return false end
local row = redis.call('HMGET', KEYS[2], 'h', 'n', 'e', 'o', 'by')
if not row[1] then return false end
if tonumber(row[4] or '0') < tonumber(ARGV[6]) then
  redis.call('HINCRBY', KEYS[2], 'o', 1)
  record(KEYS[2], KEYS[3], ARGV[3], 'o', ARGV[2], '', ARGV[4], ARGV[5])
end
return {row[1], row[2], row[3], row[5] or ''}
