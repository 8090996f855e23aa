extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place (a native string), or copied. For
    /// code that scans or copies the bytes of many strings per request (log lines, headers).
    public func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        utf8.withContiguousStorageIfAvailable(body) ?? Array(utf8).withUnsafeBufferPointer(body)
    }
}
