/// The growable bytes behind ``JSONWriter``: appending is one capacity check and a copy through a pointer.
///
/// Why not `[UInt8]`: measured under callgrind, each `append(contentsOf:)` of an array cost about 90 instructions
/// whatever its length (a uniqueness check, the generic sequence copy), and a contact's answer makes some 60 of them.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes appended so far.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        if bytes.count > capacity - count { grow(toHold: bytes.count) }
        (base + count).initialize(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// Appends `"`, `text`, `"` and returns true, unless a byte of `text` needs an escape in a JSON string (a
    /// control character, `"` or `\`): then it appends nothing and returns false. Checks and copies eight bytes at a
    /// time, the common case being text with nothing to escape.
    mutating func appendQuotedIfNothingToEscape(_ text: UnsafeRawBufferPointer) -> Bool {
        let length = text.count
        // Room for the quotes around it: a word is stored only where the text's bytes go, and on a byte that needs an
        // escape nothing is counted, so what was stored is written over by the slow path.
        if length + 2 > capacity - count { grow(toHold: length + 2) }
        let start = base + count
        start[0] = UInt8(ascii: "\"")
        if let source = text.baseAddress {
            var offset = 0
            while offset + 8 <= length {
                let word = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                if Self.needsEscape(word) { return false }
                UnsafeMutableRawPointer(start + 1 + offset).storeBytes(of: word, as: UInt64.self)
                offset += 8
            }
            while offset < length {
                let byte = source.load(fromByteOffset: offset, as: UInt8.self)
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
                start[1 + offset] = byte
                offset += 1
            }
        }
        start[1 + length] = UInt8(ascii: "\"")
        count += length + 2
        return true
    }

    /// Whether any of the eight bytes of `word` is a control character, `"` or `\`.
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // True when a byte of `word` is below `limit` (at most 0x80), from "Bit Twiddling Hacks": subtracting
        // `limit` from each byte sets the high bit of exactly those bytes, borrows aside, that were below it; the
        // `~word` drops bytes whose own high bit was set. The test is exact for "any byte", not for which.
        func hasByte(below limit: UInt64, in word: UInt64) -> Bool {
            (word &- ones &* limit) & ~word & (ones &* 0x80) != 0
        }
        return hasByte(below: 0x20, in: word) || hasByte(below: 1, in: word ^ (ones &* UInt64(UInt8(ascii: "\""))))
            || hasByte(below: 1, in: word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
    }

    private mutating func grow(toHold extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
