import Foundation
import LocalTLS
import TestSupport
import Testing

@Suite struct LocalCertificatesTests {
    /// A directory of its own, nested one level down (the certificates' directory is created with its parents), and
    /// the top one, which the test deletes.
    func temporaryDirectory() -> (nested: String, top: String) {
        let top = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        return (top.appendingPathComponent("nested").path, top.path)
    }

    /// Runs openssl and returns its exit status and output.
    func openssl(_ arguments: [String]) throws -> (Int32, String) {
        let outcome = try ChildProcess.run("/usr/bin/openssl", arguments)
        return (outcome.status, outcome.output + outcome.errors)
    }

    @Test("creates a CA and a server certificate it signs, for the Re:amaze hosts and extra ones; keys are 0600")
    func creates() throws {
        let (directory, top) = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: top) }
        let files = try LocalCertificates.ensure(in: directory, extraHosts: ["emulator.internal", "10.0.0.7"])
        #expect(files.createdAuthority)
        for key in [files.caKey, files.serverKey] {
            let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key)")
        }
        let (verified, verifyOutput) = try openssl(["verify", "-CAfile", files.caCertificate, files.serverCertificate])
        #expect(verified == 0, "\(verifyOutput)")
        let (_, text) = try openssl(["x509", "-in", files.serverCertificate, "-noout", "-ext", "subjectAltName"])
        for name in [
            "DNS:*.reamaze.io", "DNS:*.reamaze.com", "DNS:*.localhost", "DNS:localhost", "IP Address:127.0.0.1",
            "DNS:emulator.internal", "IP Address:10.0.0.7",
        ] {
            #expect(text.contains(name), "\(name) in \(text)")
        }
        let (_, ca) = try openssl(["x509", "-in", files.caCertificate, "-noout", "-ext", "basicConstraints,keyUsage"])
        #expect(ca.contains("CA:TRUE"))
        #expect(ca.contains("Certificate Sign"))
    }

    @Test("a second run keeps the CA and signs a new server certificate with it")
    func reusesAuthority() throws {
        let (directory, top) = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: top) }
        let first = try LocalCertificates.ensure(in: directory)
        let authority = try Data(contentsOf: URL(fileURLWithPath: first.caCertificate))
        let server = try Data(contentsOf: URL(fileURLWithPath: first.serverCertificate))
        let second = try LocalCertificates.ensure(in: directory, extraHosts: ["later.example"])
        #expect(!second.createdAuthority)
        #expect(try Data(contentsOf: URL(fileURLWithPath: second.caCertificate)) == authority)
        #expect(try Data(contentsOf: URL(fileURLWithPath: second.serverCertificate)) != server)
        #expect(try openssl(["verify", "-CAfile", second.caCertificate, second.serverCertificate]).0 == 0)
    }

    @Test("a directory that cannot be created is a clear error")
    func unwritable() {
        #expect(throws: LocalCertificates.Failure.self) {
            _ = try LocalCertificates.ensure(in: "/proc/not-here/certs")
        }
    }
}
