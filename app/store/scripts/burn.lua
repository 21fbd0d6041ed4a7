-- Burn with the manage token. KEYS: secret, receipt, stream, due index.
-- ARGV: now, id, client facts, stream TTL.
-- Returns 0 without a receipt, 1 for a secret that had already ended (a no-op), 2 when the
-- ciphertext was deleted now.
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
if redis.call('DEL', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[2], 's', 'burned', 'n', 0)
  redis.call('ZREM', KEYS[4], ARGV[2])
  record(KEYS[2], KEYS[3], ARGV[2], 'b', ARGV[1], '', ARGV[3], ARGV[4])
  return 2
end
return 1
