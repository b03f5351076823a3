import Foundation
import TestSupport
import Testing

@testable import EmulatorCore

/// The console page is served by the binary itself (its behaviour in a browser: `make test-ui`).
@Suite struct ConsoleTests {
    @Test("GET / and /console answer the embedded page; HEAD answers its headers; other methods are 405")
    func servesThePage() async throws {
        try await withEmulator { emulator in
            for path in ["/", "/console"] {
                let page = try await emulator.client.send("GET", path)
                #expect(page.status == 200)
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.text.contains("<title>reamaze-emulator console</title>"))
                #expect(!page.text.contains("http://cdn"), "no CDN: everything is in the page")
            }
            let head = try emulator.raw("HEAD", "/")
            #expect(head.status == 200)
            let post = try await emulator.client.send("POST", "/")
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
            let journal = try await emulator.control("GET", "requests")
            #expect(journal.text == #"{"requests":[]}"#, "page loads are not API requests")
        }
    }

    @Test("GET /__emulator/accounts lists each account with a login and token to sign in with")
    func accounts() async throws {
        try await withEmulator { emulator in
            let listed = try await emulator.control("GET", "accounts").object()
            let accounts = try #require(listed["accounts"] as? [[String: Any]])
            #expect(accounts.count == 2)
            #expect(accounts[0]["login"] as? String == "jane@acme-store.com")
            #expect(accounts[0]["token"] as? String == "9f2c1e7d4b6a")
            #expect(accounts[0]["brand"] as? String == "acme")
            #expect(accounts[1]["login"] as? String == "hank@globex.com")
        }
    }

    @Test("the sign-in form is filled with the configured login and token; with an admin token, with the login only")
    func signInIsPrefilled() async throws {
        try await withEmulator { emulator in
            let page = try await emulator.client.send("GET", "/").text
            #expect(
                page.contains(
                    #"id="login" placeholder="login email" autocomplete="username" value="jane@acme-store.com""#))
            #expect(page.contains(#"autocomplete="current-password" value="9f2c1e7d4b6a""#))
            #expect(!page.contains("{{"), "no placeholder left")
        }
        try await withEmulator(configure: {
            $0.login = "o'neil+\"x\"@acme-store.com"
            $0.adminToken = "s3cret"
        }) { emulator in
            let page = try await emulator.client.send("GET", "/").text
            #expect(page.contains(#"value="o'neil+&quot;x&quot;@acme-store.com""#), "escaped for the attribute")
            #expect(page.contains(#"autocomplete="current-password" value="""#), "the token is not handed out")
            #expect(!page.contains("9f2c1e7d4b6a"))
        }
    }

    @Test(
        "the page is filled in one pass, byte for byte as replacing each placeholder in turn; a value is not refilled")
    func filledInOnePass() {
        let template = PackageResources.console_html
        let html = String(decoding: template, as: UTF8.self)
        for (login, token) in [("jane@acme-store.com", "9f2c1e7d4b6a"), ("o'neil+&quot;x&quot;@a.io", "")] {
            let replaced = html.replacing("{{login}}", with: login).replacing("{{token}}", with: token)
            #expect(Console.filled(template, ["login": login, "token": token]) == Array(replaced.utf8))
        }
        let edges = Array("{{{login}} {{other}} {{token} {{login".utf8)
        #expect(
            String(decoding: Console.filled(edges, ["login": "{{token}}", "token": "T"]), as: UTF8.self)
                == "{{{token}} {{other}} {{token} {{login")
    }
}
