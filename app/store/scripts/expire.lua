-- The worker's sweep of one due secret. KEYS: secret, receipt, stream, due index.
-- ARGV: id, stream TTL. Returns 2 (unread) or 1 (read) when the expiry was recorded now, else 0.
return settle_expiry(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2])
