-- What a link holder may know before reading; consumes nothing.
-- ARGV[1]: the link verifier. Returns {has_code, views_left, expires_at}, or nil for a wrong proof.
if redis.call('GETRANGE', KEYS[1], 0, 31) ~= ARGV[1] then return false end
return redis.call('HMGET', KEYS[2], 'h', 'n', 'e')
