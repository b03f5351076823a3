import Testing

@Suite struct SmokeTests {
    @Test("an empty account lists no contacts")
    func emptyList() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.get("/contacts")
            #expect(response.status == 200)
            #expect(response.text == #"{"page_size":30,"page_count":0,"total_count":0,"contacts":[]}"#)
            let branded = try await emulator.client(host: "acme.reamaze.io").get("/contacts")
            #expect(branded.status == 200)
            let other = try await emulator.client(host: "other.reamaze.io").get("/contacts")
            #expect(other.status == 404)
        }
    }
}
