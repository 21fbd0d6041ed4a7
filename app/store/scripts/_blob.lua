-- Shared: a secret's bytes are one string (verifiers || blob) or, where one allocation would be
-- rounded up by much, a hash of pieces: '0' holds the verifiers and the blob's first bytes,
-- '1', '2'… the rest in order (app/store/pieces.py). A string, the common case, costs no extra call.
local function blob_head(key)
  local ok, head = pcall(redis.call, 'GETRANGE', key, 0, 63)
  if ok then return head end
  return string.sub(redis.call('HGET', key, '0') or '', 1, 64)
end

local function blob_body(key)
  local ok, body = pcall(redis.call, 'GETRANGE', key, 64, -1)
  if ok then return body end
  local names = {}
  for i = 0, redis.call('HLEN', key) - 1 do names[#names + 1] = tostring(i) end
  local parts = redis.call('HMGET', key, unpack(names))
  parts[1] = string.sub(parts[1], 65)
  return table.concat(parts)
end
