import CGnuTLS
import Glibc

/// A local certificate authority and a server certificate it signs, made with GnuTLS, so that clients which hard-code
/// `https://{brand}.reamaze.io` can reach the emulator after trusting one CA file.
public enum LocalCertificates {
    /// The files ``ensure(in:extraHosts:now:)`` writes, by path.
    public struct Files: Sendable {
        /// The CA certificate: what clients trust.
        public let caCertificate: String
        /// The CA's private key (mode 0600): kept so later runs sign with the same CA.
        public let caKey: String
        /// The server certificate, signed by the CA.
        public let serverCertificate: String
        /// The server's private key (mode 0600).
        public let serverKey: String
        /// Whether this call created the CA (false: an existing one was reused).
        public let createdAuthority: Bool
    }

    /// A GnuTLS or file failure, with GnuTLS's own message.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// The names every server certificate covers.
    public static let defaultHosts = ["*.reamaze.io", "*.reamaze.com", "*.localhost", "localhost", "127.0.0.1", "::1"]

    /// Makes sure `directory` holds a CA (kept when it exists) and a server certificate, newly signed, for the default
    /// names and `extraHosts` (DNS names or IP addresses).
    /// - Throws: ``Failure`` when GnuTLS or the file system refuses.
    public static func ensure(in directory: String, extraHosts: [String] = [], now: Int = Int(time(nil))) throws
        -> Files
    {
        let files = Files(
            caCertificate: directory + "/ca.pem", caKey: directory + "/ca-key.pem",
            serverCertificate: directory + "/server.pem", serverKey: directory + "/server-key.pem",
            createdAuthority: !(FileIO.exists(directory + "/ca.pem") && FileIO.exists(directory + "/ca-key.pem")))
        try FileIO.makeDirectory(directory)
        let authority: Certificate
        let authorityKey: PrivateKey
        if files.createdAuthority {
            authorityKey = try PrivateKey.generate()
            authority = try Certificate.authority(key: authorityKey, now: now)
            try FileIO.write(try authorityKey.pem(), to: files.caKey, mode: 0o600)
            try FileIO.write(try authority.pem(), to: files.caCertificate, mode: 0o644)
        } else {
            authorityKey = try PrivateKey.load(pem: try FileIO.read(files.caKey))
            authority = try Certificate.load(pem: try FileIO.read(files.caCertificate))
        }
        let serverKey = try PrivateKey.generate()
        let server = try Certificate.server(
            key: serverKey, hosts: defaultHosts + extraHosts.filter { !defaultHosts.contains($0) },
            issuer: authority, issuerKey: authorityKey, now: now)
        try FileIO.write(try serverKey.pem(), to: files.serverKey, mode: 0o600)
        try FileIO.write(try server.pem(), to: files.serverCertificate, mode: 0o644)
        return files
    }
}

/// Turns a GnuTLS return code into a thrown ``LocalCertificates/Failure``.
func check(_ result: Int32, _ what: String) throws {
    guard result >= 0 else {
        throw LocalCertificates.Failure(description: "\(what): \(String(cString: gnutls_strerror(result)))")
    }
}

/// Reads a `gnutls_datum_t` GnuTLS allocated, then frees it.
func takeDatum(_ body: (UnsafeMutablePointer<gnutls_datum_t>) -> Int32, _ what: String) throws -> [UInt8] {
    var datum = gnutls_datum_t()
    try check(body(&datum), what)
    defer { cgnutls_free(datum.data) }
    return Array(UnsafeBufferPointer(start: datum.data, count: Int(datum.size)))
}

/// Passes bytes to GnuTLS as a `gnutls_datum_t` for the duration of `body`.
func withDatum<T>(_ bytes: [UInt8], _ body: (UnsafePointer<gnutls_datum_t>) throws -> T) rethrows -> T {
    var copy = bytes
    return try copy.withUnsafeMutableBufferPointer { buffer in
        var datum = gnutls_datum_t(data: buffer.baseAddress, size: UInt32(buffer.count))
        return try body(&datum)
    }
}
