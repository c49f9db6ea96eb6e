// Keys compared as bytes with literals, without building a String (the hot path compares every
// key of every sample this way).

/// Compares a key with a literal, eight bytes at a time.
@inlinable @inline(__always)
package func == (key: UnsafeRawBufferPointer, name: StaticString) -> Bool {
    let count = name.utf8CodeUnitCount
    guard key.count == count else { return false }
    let literal = UnsafeRawBufferPointer(start: name.utf8Start, count: count)
    var i = 0
    while i + 8 <= count {
        if key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            != literal.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        {
            return false
        }
        i += 8
    }
    while i < count {
        if key[i] != literal[i] { return false }
        i += 1
    }
    return true
}

package func == (a: StaticString, b: StaticString) -> Bool {
    UnsafeRawBufferPointer(start: a.utf8Start, count: a.utf8CodeUnitCount) == b
}
