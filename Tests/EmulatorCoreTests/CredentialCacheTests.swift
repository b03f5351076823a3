import Foundation
import TestSupport
import Testing

/// Authentication is remembered between requests, never past a write: what a write changes is seen by the very next
/// request. (Refusals are read with RawHTTP: URLSession on Linux stalls on a 401's Basic challenge.)
@Suite struct CredentialCacheTests {
    static func status(_ emulator: EmulatorHandle, login: String, token: String, host: String? = nil) throws -> Int {
        var request = RawHTTP.request("GET", "/api/v1/channels", login: login, token: token)
        if let host { request = request.replacingOccurrences(of: "Host: 127.0.0.1", with: "Host: \(host)") }
        return try RawHTTP.send(port: emulator.server.port, request).status
    }

    @Test("a token replaced by a state import is refused at once, and the new one accepted")
    func replacedToken() async throws {
        try await withEmulator { emulator in
            for _ in 0..<3 {
                #expect(try Self.status(emulator, login: "max@acme-store.com", token: "max-token") == 200)
            }
            let state = try await emulator.control("GET", "state").text
            let changed = state.replacingOccurrences(of: #""token":"max-token""#, with: #""token":"max-new""#)
            #expect(changed != state)
            let imported = try await emulator.control("PUT", "state", changed)
            #expect(imported.status == 200)
            #expect(try Self.status(emulator, login: "max@acme-store.com", token: "max-token") == 401)
            #expect(try Self.status(emulator, login: "max@acme-store.com", token: "max-new") == 200)
        }
    }

    @Test("a deleted tenant's credentials stop working with the next request")
    func deletedTenant() async throws {
        try await withEmulator { emulator in
            let created = try await emulator.control("POST", "accounts", #"{"token": "tenant-token"}"#).object()
            let login = try #require(created["login"] as? String)
            let host = "\(try #require(created["brand"] as? String)).localhost"
            for _ in 0..<3 {
                #expect(try Self.status(emulator, login: login, token: "tenant-token", host: host) == 200)
            }
            let accountID = try #require(created["account_id"] as? Int)
            let deleted = try await emulator.control("DELETE", "accounts/\(accountID)")
            #expect(deleted.status == 200)
            #expect(try Self.status(emulator, login: login, token: "tenant-token", host: host) == 401)
        }
    }

    @Test("a wrong token is refused even for a login just authenticated; the right one still passes")
    func wrongTokenAfterRightOne() async throws {
        try await withEmulator { emulator in
            let jane = "jane@acme-store.com"
            let first = try Self.status(emulator, login: jane, token: "9f2c1e7d4b6a")
            #expect(first == 200)
            #expect(try Self.status(emulator, login: jane, token: "9f2c1e7d4b6b") == 401)
            #expect(try Self.status(emulator, login: jane, token: "") == 401)
            #expect(try Self.status(emulator, login: jane, token: "9f2c1e7d4b6a") == 200)
        }
    }

    @Test("the same credentials with another Host are told apart, request after request")
    func sameCredentialsOtherHost() async throws {
        try await withEmulator { emulator in
            let (jane, token) = ("jane@acme-store.com", "9f2c1e7d4b6a")
            for _ in 0..<3 {
                let statuses = try [nil, "nobrand.localhost", "nobrand.localhost"].map { host in
                    try Self.status(emulator, login: jane, token: token, host: host)
                }
                #expect(statuses == [200, 404, 404])
            }
        }
    }

    @Test("a permission granted by a state import is in force at once, and gone again after a reset")
    func permissionAfterReset() async throws {
        try await withEmulator { emulator in
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            let refused = try await max.get("/satisfaction_ratings")
            #expect(refused.status == 403)
            let state = try await emulator.control("GET", "state").text
            let granted = state.replacingOccurrences(
                of:
                    #""email":"max@acme-store.com","token":"max-token","password":null,"role":"Staff","admin":false,"access_reports":false"#,
                with:
                    #""email":"max@acme-store.com","token":"max-token","password":null,"role":"Staff","admin":false,"access_reports":true"#
            )
            #expect(granted != state)
            #expect(try await emulator.control("PUT", "state", granted).status == 200)
            #expect(try await max.get("/satisfaction_ratings").status == 200)
            #expect(try await emulator.control("POST", "reset").status == 200)
            #expect(try await max.get("/satisfaction_ratings").status == 403, "the start-up state again")
        }
    }
}
