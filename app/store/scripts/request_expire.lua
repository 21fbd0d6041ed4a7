-- The worker's sweep of one due request. KEYS: request hash, answer, stream, due index.
-- ARGV: id, now, stream TTL. Returns 1 when the expiry was recorded now, else 0.
return settle_request_expiry(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3])
