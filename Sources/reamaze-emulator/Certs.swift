import ArgumentParser
import LocalTLS

/// `reamaze-emulator certs --out DIR [--host NAME ...]`: a local CA and a server certificate for HTTPS.
struct Certs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Create (or reuse) a local CA and a server certificate for *.reamaze.io, *.reamaze.com, "
            + "*.localhost, localhost and 127.0.0.1.")

    @Option(help: "Folder for ca.pem, ca-key.pem, server.pem and server-key.pem; the CA is kept if present.")
    var out: String

    @Option(name: .customLong("host"), help: "Another DNS name or IP address for the server certificate; repeatable.")
    var hosts: [String] = []

    func run() throws {
        let files = try LocalCertificates.ensure(in: out, extraHosts: hosts)
        print(
            files.createdAuthority
                ? "created a new local CA: \(files.caCertificate)" : "kept the local CA: \(files.caCertificate)")
        print("server certificate: \(files.serverCertificate)")
        print("server key:         \(files.serverKey)")
        print("serve with: reamaze-emulator --tls-cert \(files.serverCertificate) --tls-key \(files.serverKey)")
        print("trust with: SSL_CERT_FILE=\(files.caCertificate) (see the README for other clients)")
    }
}
