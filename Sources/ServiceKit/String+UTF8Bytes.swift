extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place (a native string), or copied. For
    /// code that scans or copies the bytes of many strings per request (log lines, headers).
    /// Inlinable, so each caller gets it specialised: called generically across modules, its
    /// generic metadata lookups cost more than the copying (52k instructions per proxied request).
    @inlinable
    public func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        utf8.withContiguousStorageIfAvailable(body) ?? Array(utf8).withUnsafeBufferPointer(body)
    }
}
