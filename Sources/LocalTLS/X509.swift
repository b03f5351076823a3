import CGnuTLS
import Glibc

/// An ECDSA P-256 private key (GnuTLS `gnutls_x509_privkey_t`).
final class PrivateKey {
    let handle: gnutls_x509_privkey_t

    private init(handle: gnutls_x509_privkey_t) { self.handle = handle }

    deinit { gnutls_x509_privkey_deinit(handle) }

    private static func make() throws -> PrivateKey {
        var handle: gnutls_x509_privkey_t?
        try check(gnutls_x509_privkey_init(&handle), "key init")
        guard let handle else { throw LocalCertificates.Failure(description: "key init") }
        return PrivateKey(handle: handle)
    }

    static func generate() throws -> PrivateKey {
        let key = try make()
        try check(gnutls_x509_privkey_generate(key.handle, GNUTLS_PK_ECDSA, cgnutls_p256_bits(), 0), "key generation")
        return key
    }

    /// Reads a PEM private key.
    static func load(pem: [UInt8]) throws -> PrivateKey {
        let key = try make()
        try withDatum(pem) { try check(gnutls_x509_privkey_import(key.handle, $0, GNUTLS_X509_FMT_PEM), "key import") }
        return key
    }

    func pem() throws -> [UInt8] {
        try takeDatum({ gnutls_x509_privkey_export2(handle, GNUTLS_X509_FMT_PEM, $0) }, "key export")
    }
}

/// An X.509 certificate (GnuTLS `gnutls_x509_crt_t`).
final class Certificate {
    let handle: gnutls_x509_crt_t

    private init(handle: gnutls_x509_crt_t) { self.handle = handle }

    deinit { gnutls_x509_crt_deinit(handle) }

    private static func make() throws -> Certificate {
        var handle: gnutls_x509_crt_t?
        try check(gnutls_x509_crt_init(&handle), "certificate init")
        guard let handle else { throw LocalCertificates.Failure(description: "certificate init") }
        return Certificate(handle: handle)
    }

    /// Reads a PEM certificate.
    static func load(pem: [UInt8]) throws -> Certificate {
        let certificate = try make()
        try withDatum(pem) {
            try check(gnutls_x509_crt_import(certificate.handle, $0, GNUTLS_X509_FMT_PEM), "certificate import")
        }
        return certificate
    }

    /// A self-signed CA certificate, valid ten years.
    static func authority(key: PrivateKey, now: Int) throws -> Certificate {
        let certificate = try make()
        try certificate.common(
            key: key, subject: "CN=reamaze-emulator local CA,O=reamaze-emulator", now: now, years: 10)
        try check(gnutls_x509_crt_set_basic_constraints(certificate.handle, 1, -1), "CA constraints")
        try check(
            gnutls_x509_crt_set_key_usage(
                certificate.handle, UInt32(GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)),
            "CA key usage")
        let keyID = try certificate.keyID()
        try keyID.withUnsafeBytes {
            try check(gnutls_x509_crt_set_subject_key_id(certificate.handle, $0.baseAddress, $0.count), "CA key id")
        }
        try check(
            gnutls_x509_crt_sign2(certificate.handle, certificate.handle, key.handle, GNUTLS_DIG_SHA256, 0), "CA sign")
        return certificate
    }

    /// A server certificate for `hosts` (DNS names, wildcards or IP addresses), signed by `issuer`, valid two years.
    static func server(key: PrivateKey, hosts: [String], issuer: Certificate, issuerKey: PrivateKey, now: Int) throws
        -> Certificate
    {
        let certificate = try make()
        try certificate.common(key: key, subject: "CN=reamaze-emulator,O=reamaze-emulator", now: now, years: 2)
        try check(gnutls_x509_crt_set_basic_constraints(certificate.handle, 0, -1), "server constraints")
        try check(
            gnutls_x509_crt_set_key_usage(certificate.handle, UInt32(GNUTLS_KEY_DIGITAL_SIGNATURE)),
            "server key usage")
        try check(gnutls_x509_crt_set_key_purpose_oid(certificate.handle, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose")
        for host in hosts {
            if let address = IPAddress.bytes(host) {
                try address.withUnsafeBytes {
                    try check(
                        gnutls_x509_crt_set_subject_alt_name(
                            certificate.handle, GNUTLS_SAN_IPADDRESS, $0.baseAddress, UInt32($0.count),
                            UInt32(GNUTLS_FSAN_APPEND)), "IP name \(host)")
                }
            } else {
                try check(
                    gnutls_x509_crt_set_subject_alt_name(
                        certificate.handle, GNUTLS_SAN_DNSNAME, host, UInt32(host.utf8.count),
                        UInt32(GNUTLS_FSAN_APPEND)),
                    "DNS name \(host)")
            }
        }
        let keyID = try certificate.keyID()
        try keyID.withUnsafeBytes {
            try check(gnutls_x509_crt_set_subject_key_id(certificate.handle, $0.baseAddress, $0.count), "key id")
        }
        let issuerID = try issuer.keyID()
        try issuerID.withUnsafeBytes {
            try check(
                gnutls_x509_crt_set_authority_key_id(certificate.handle, $0.baseAddress, $0.count), "authority key id")
        }
        try check(
            gnutls_x509_crt_sign2(certificate.handle, issuer.handle, issuerKey.handle, GNUTLS_DIG_SHA256, 0),
            "server sign")
        return certificate
    }

    private func common(key: PrivateKey, subject: String, now: Int, years: Int) throws {
        try check(gnutls_x509_crt_set_version(handle, 3), "version")
        var serial = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in serial.indices { serial[index] = generator.next() }
        serial[0] &= 0x7F  // a positive serial number
        try serial.withUnsafeBytes {
            try check(gnutls_x509_crt_set_serial(handle, $0.baseAddress, $0.count), "serial")
        }
        try check(Int32(gnutls_x509_crt_set_activation_time(handle, time_t(now - 86_400))), "activation")
        try check(
            Int32(gnutls_x509_crt_set_expiration_time(handle, time_t(now + years * 365 * 86_400))), "expiration")
        var errorPosition: UnsafePointer<CChar>?
        try check(gnutls_x509_crt_set_dn(handle, subject, &errorPosition), "subject")
        try check(gnutls_x509_crt_set_key(handle, key.handle), "public key")
    }

    private func keyID() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64)
        var size = buffer.count
        try check(gnutls_x509_crt_get_key_id(handle, 0, &buffer, &size), "key id")
        return Array(buffer.prefix(size))
    }

    func pem() throws -> [UInt8] {
        try takeDatum({ gnutls_x509_crt_export2(handle, GNUTLS_X509_FMT_PEM, $0) }, "certificate export")
    }
}

/// IP address literals as the 4 or 16 bytes an IP subject alternative name holds.
enum IPAddress {
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
