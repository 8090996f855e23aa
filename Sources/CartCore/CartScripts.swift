import RedisStore

/// The Lua scripts that change carts atomically inside Redis.
enum CartScripts {
    /// KEYS[1] cart; ARGV product, quantity, max per line, max lines, ttl seconds.
    /// Returns the new quantity, -1 past the per-line limit, -2 past the line limit.
    static let add = RedisScript(
        """
        local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        local wanted = current + tonumber(ARGV[2])
        if wanted > tonumber(ARGV[3]) then return -1 end
        if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return -2 end
        redis.call('HSET', KEYS[1], ARGV[1], wanted)
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
        return wanted
        """
    )

    /// KEYS[1] cart; ARGV product, quantity (0 removes), max lines, ttl seconds.
    /// Returns the new quantity, -2 past the line limit, -3 when removing a line the cart lacks.
    static let set = RedisScript(
        """
        local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        local wanted = tonumber(ARGV[2])
        if wanted == 0 then
            if current == 0 then return -3 end
            redis.call('HDEL', KEYS[1], ARGV[1])
        else
            if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return -2 end
            redis.call('HSET', KEYS[1], ARGV[1], wanted)
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4])) end
        return wanted
        """
    )

    /// KEYS[1] cart, KEYS[2] the order's done-marker; ARGV ttl, then product/quantity pairs.
    /// Returns 1 if it removed the lines now, 0 if this order's lines were removed before.
    static let removeOrdered = RedisScript(
        """
        if redis.call('SET', KEYS[2], '1', 'NX', 'EX', 604800) == false then return 0 end
        for i = 2, #ARGV, 2 do
            local left = redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1]))
            if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
        return 1
        """
    )
}
