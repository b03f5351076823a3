import CSQLite
import Glibc

/// The bytes of a whole database file, as SQLite lays them out (``Connection/image()``), and a compact text for them
/// that a Swift source file can hold: a new database is made by copying such an image, in a fraction of the time its
/// schema script takes to run (every `CREATE` rewrites and re-reads the schema table).
///
/// The text is hexadecimal, except that a run of zero bytes (most of a new database's pages) is written `Z` and its
/// length in decimal followed by `.`; whitespace is ignored, so the text can be wrapped into lines.
public struct DatabaseImage: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The image an ``encoded`` text describes.
    /// - Throws: ``SQLiteError`` (`SQLITE_CORRUPT`) when the text is not one ``encoded`` wrote.
    public init(encoded text: String) throws {
        var text = text
        self.bytes = try text.withUTF8 { text in
            // Read at every start of a new database (about 41 KB of text, a 344 KB image), in debug builds too: so
            // plain loops over bytes and pointers, no generic collection calls, which an unoptimized build runs
            // element by element (the first version took 130 ms of a debug build's start). The first pass finds the
            // length and checks the text; the second writes the bytes given in hexadecimal into zeroed memory.
            let length = try Self.decode(text, into: nil)
            return try [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                memset(base, 0, length)
                _ = try Self.decode(text, into: base)
                initialized = length
            }
        }
    }

    /// Walks the text; writes each byte given in hexadecimal at its place in `output` when given (which must hold
    /// the whole image, zeroed: zero runs are skipped); returns the image's length.
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>?) throws
        -> Int
    {
        guard let start = text.baseAddress else { return 0 }
        let count = text.count
        var index = 0
        var length = 0
        while index < count {
            let character = start[index]
            index += 1
            if character == 0x20 || character == 0x0A { continue }  // a space, a line break
            if character == 0x5A {  // "Z": a run of zero bytes, its length in decimal, then "."
                var run = 0
                var digits = 0
                while index < count, start[index] != 0x2E {
                    let digit = Int(start[index]) - 0x30
                    guard digit >= 0, digit <= 9, digits < 10 else { throw malformed }
                    run = run * 10 + digit
                    digits += 1
                    index += 1
                }
                guard index < count, digits > 0 else { throw malformed }
                index += 1
                length += run
                continue
            }
            guard index < count else { throw malformed }
            let high = nibble(character)
            let low = nibble(start[index])
            guard high <= 0x0F, low <= 0x0F else { throw malformed }
            index += 1
            output?[length] = high << 4 | low
            length += 1
        }
        return length
    }

    /// The value of a lower-case hexadecimal digit, or 0xFF for any other byte.
    private static func nibble(_ character: UInt8) -> UInt8 {
        if character >= 0x30, character <= 0x39 { return character - 0x30 }
        if character >= 0x61, character <= 0x66 { return character - 0x61 + 10 }
        return 0xFF
    }

    /// The image as text, in lines of at most `lineLength` characters: runs of 8 or more zero bytes as counts, every
    /// other byte as two hexadecimal digits.
    public func encoded(lineLength: Int = 100) -> String {
        var tokens: [String] = []
        var index = 0
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] == 0 { end += 1 }
            if end - index >= 8 {
                tokens.append("Z\(end - index).")
                index = end
            } else {
                tokens.append(Self.hex(bytes[index]))
                index += 1
            }
        }
        var lines: [String] = []
        var line = ""
        for token in tokens {
            if line.utf8.count + token.utf8.count > lineLength {
                lines.append(line)
                line = ""
            }
            line += token
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    private static let malformed = SQLiteError(
        code: SQLITE_CORRUPT, message: "a database image's text is malformed", sql: nil)

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ byte: UInt8) -> String {
        String(decoding: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]], as: UTF8.self)
    }
}

extension Connection {
    /// The bytes of this connection's main database as a file would hold them (`sqlite3_serialize`): for
    /// `make schema`, which keeps a new database's image in the source.
    /// - Throws: ``SQLiteError`` when SQLite cannot serialize it.
    public func image() throws -> DatabaseImage {
        var size: sqlite3_int64 = 0
        guard let data = sqlite3_serialize(handle, "main", &size, 0) else {
            throw SQLiteError(code: SQLITE_NOMEM, message: "the database could not be serialized", sql: nil)
        }
        defer { sqlite3_free(data) }
        return DatabaseImage(bytes: Array(UnsafeBufferPointer(start: data, count: Int(size))))
    }

    /// A private in-memory database holding `image` (`sqlite3_deserialize`), to copy from.
    /// - Throws: ``SQLiteError`` when SQLite refuses the bytes.
    static func loaded(_ image: DatabaseImage) throws -> Connection {
        let connection = try Connection.open(path: ":memory:", migrations: [])
        let size = image.bytes.count
        guard let buffer = sqlite3_malloc64(sqlite3_uint64(size))?.assumingMemoryBound(to: UInt8.self) else {
            throw SQLiteError(code: SQLITE_NOMEM, message: "no memory for a database image", sql: nil)
        }
        image.bytes.withUnsafeBufferPointer { source in
            buffer.update(from: source.baseAddress!, count: size)
        }
        // SQLite owns the buffer from here, and frees it with the connection.
        let result = sqlite3_deserialize(
            connection.handle, "main", buffer, sqlite3_int64(size), sqlite3_int64(size),
            UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE))
        guard result == SQLITE_OK else { throw SQLiteError(code: result, connection: connection.handle, sql: nil) }
        return connection
    }
}
