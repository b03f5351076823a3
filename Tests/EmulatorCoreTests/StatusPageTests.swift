import Foundation
import Testing

/// The status page: incidents with nested updates and system links, systems whose status follows their active
/// incidents; per brand.
@Suite struct StatusPageTests {
    /// Acme with two systems in its store brand and one in its outlet.
    static let fixtures = TestFixtures.acme.replacingOccurrences(
        of: #"{"name": "No Token", "email": "notoken@acme-store.com"}]},"#,
        with: #"{"name": "No Token", "email": "notoken@acme-store.com"}], "#
            + #""systems": [{"title": "Shipping API", "created_at": "2026-01-10T12:00:00Z"}, "#
            + #"{"title": "Storefront", "created_at": "2026-01-10T12:00:00Z"}, "#
            + #"{"title": "Outlet Checkout", "brand": "acme-outlet", "created_at": "2026-01-12T12:00:00Z"}]},"#)

    static let created = """
        {"incident": {"title": "Shipment delays",
          "updates_attributes": [{"status": "investigating", "message": "We are looking into delayed shipments."}],
          "incidents_systems_attributes": [{"system_id": "1", "status": "partial_outage"}]}}
        """

    static let createdAnswer =
        #"{"id":"1","title":"Shipment delays","account_id":1,"brand_id":1,"#
        + #""created_at":"2026-11-26T10:00:00.000Z","updated_at":"2026-11-26T10:00:00.000Z","#
        + #""status":"investigating","external_url":null,"updates":[{"id":"1","status":"investigating","#
        + #""message":"We are looking into delayed shipments.","created_at":"2026-11-26T10:00:00.000Z"}],"#
        + #""incidents_systems":[{"id":"1","system_id":"1","status":"partial_outage","#
        + #""system":{"id":"1","title":"Shipping API"}}]}"#

    static let updatedAnswer =
        #"{"id":"1","title":"Shipment delays","account_id":1,"brand_id":1,"#
        + #""created_at":"2026-11-26T10:00:00.000Z","updated_at":"2026-11-26T10:01:00.000Z","#
        + #""status":"identified","external_url":null,"updates":[{"id":"2","status":"identified","#
        + #""message":"A carrier outage delays pickups.","created_at":"2026-11-26T10:01:00.000Z"},"#
        + #"{"id":"1","status":"investigating","message":"We are looking into delayed shipments.","#
        + #""created_at":"2026-11-26T10:00:00.000Z"}],"#
        + #""incidents_systems":[{"id":"1","system_id":"1","status":"major_outage","#
        + #""system":{"id":"1","title":"Shipping API"}}]}"#

    /// The spec's story: an incident is opened, identified a minute later, and its system follows it.
    static func openAndIdentify(_ emulator: EmulatorHandle) async throws {
        emulator.clock.set("2026-11-26T10:00:00Z")
        let created = try await emulator.client.post("/incidents", Self.created)
        #expect(created.status == 200)
        #expect(created.text == Self.createdAnswer)
        emulator.clock.set("2026-11-26T10:01:00Z")
        let updated = try await emulator.client.put(
            "/incidents/1",
            #"{"incident": {"updates_attributes": [{"status": "identified", "#
                + #""message": "A carrier outage delays pickups."}], "#
                + #""incidents_systems_attributes": [{"id": "1", "status": "major_outage"}]}}"#)
        #expect(updated.text == Self.updatedAnswer)
    }

    @Test("POST opens an incident, PUT adds an update and changes a link, as in the spec's example")
    func openAndUpdate() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            try await Self.openAndIdentify(emulator)
            #expect(try await emulator.client.get("/incidents/1").text == Self.updatedAnswer)
            #expect(try await emulator.client.get("/incidents").text == "[" + Self.updatedAnswer + "]")
            #expect(try await emulator.client.get("/incidents?page=2").text == "[]")
        }
    }

    @Test("a system shows its active incidents and their most severe status, and turns operational when resolved")
    func systemsFollowIncidents() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            try await Self.openAndIdentify(emulator)
            let systems = try await emulator.client.get("/systems")
            #expect(
                systems.text
                    == #"[{"id":"1","title":"Shipping API","account_id":1,"brand_id":1,"#
                    + #""created_at":"2026-01-10T12:00:00.000Z","updated_at":"2026-01-10T12:00:00.000Z","#
                    + #""status":"major_outage","active_incidents":["# + Self.updatedAnswer + "]},"
                    + #"{"id":"2","title":"Storefront","account_id":1,"brand_id":1,"#
                    + #""created_at":"2026-01-10T12:00:00.000Z","updated_at":"2026-01-10T12:00:00.000Z","#
                    + #""status":"operational","active_incidents":[]}]"#)
            // A second, lesser incident on the same system does not lower its status.
            _ = try await emulator.client.post(
                "/incidents",
                #"{"incident": {"title": "Slow labels", "updates_attributes": [{"status": "monitoring", "#
                    + #""message": "Labels print slowly."}], "#
                    + #""incidents_systems_attributes": [{"system_id": 1, "status": "degraded_performance"}, "#
                    + #"{"system_id": 2, "status": "under_maintenance"}]}}"#)
            let both = try #require(try await emulator.client.get("/systems").json() as? [[String: Any]])
            #expect(both.map { $0["status"] as? String } == ["major_outage", "under_maintenance"])
            let active = try #require(both[0]["active_incidents"] as? [[String: Any]])
            #expect(active.map { $0["id"] as? String } == ["2", "1"], "newest first")
            emulator.clock.set("2026-11-26T11:00:00Z")
            let resolved = try await emulator.client.put(
                "/incidents/1",
                #"{"incident": {"updates_attributes": {"0": {"status": "resolved", "message": "Pickups resumed."}}}}"#)
            #expect(try resolved.object()["status"] as? String == "resolved")
            let after = try #require(try await emulator.client.get("/systems").json() as? [[String: Any]])
            #expect(after.map { $0["status"] as? String } == ["degraded_performance", "under_maintenance"])
            #expect((after[0]["active_incidents"] as? [Any])?.count == 1)
        }
    }

    @Test("nested attributes: the Rails hash form in document order, one time per request, changes by id, no removal")
    func nestedAttributes() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            try await Self.openAndIdentify(emulator)
            emulator.clock.set("2026-11-26T10:05:00Z")
            let answer = try await emulator.client.put(
                "/incidents/1",
                #"{"incident": {"title": "  ", "updates_attributes": {"1": {"status": "monitoring", "message": "Fix rolled out."}, "#
                    + #""0": {"status": "resolved", "message": "All clear."}, "#
                    + #""2": {"id": 1, "message": "We were looking into delayed shipments.", "_destroy": "1"}}, "#
                    + #""incidents_systems_attributes": [{"system_id": "1", "status": "partial_outage", "_destroy": true}, "#
                    + #"{"system_id": "2", "status": "operational"}, {"id": 1, "system_id": "2", "status": " "}]}}"#
            ).object()
            #expect(answer["title"] as? String == "Shipment delays", "a blank title is absent")
            #expect(answer["status"] as? String == "resolved", "the last new entry in document order is the latest")
            #expect(answer["updated_at"] as? String == "2026-11-26T10:05:00.000Z")
            let updates = try #require(answer["updates"] as? [[String: Any]])
            #expect(updates.map { $0["id"] as? String } == ["4", "3", "2", "1"])
            #expect(Set(updates.prefix(2).map { $0["created_at"] as? String }) == ["2026-11-26T10:05:00.000Z"])
            #expect(updates[3]["message"] as? String == "We were looking into delayed shipments.")
            #expect(
                updates[3]["created_at"] as? String == "2026-11-26T10:00:00.000Z", "a changed update keeps its time")
            let links = try #require(answer["incidents_systems"] as? [[String: Any]])
            #expect(links.map { $0["id"] as? String } == ["1", "2"], "linking a linked system changes that link")
            #expect(links.map { $0["status"] as? String } == ["partial_outage", "operational"])
            #expect(links.map { $0["system_id"] as? String } == ["1", "2"], "a link's system_id is never changed")
        }
    }

    @Test("a PUT that changes nothing leaves updated_at")
    func unchangedPut() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            try await Self.openAndIdentify(emulator)
            emulator.clock.set("2026-11-27T10:00:00Z")
            let same = try await emulator.client.put(
                "/incidents/1",
                #"{"incident": {"title": "Shipment delays", "incidents_systems_attributes": [{"id": "1", "status": ""}]}}"#
            )
            #expect(same.text == Self.updatedAnswer)
        }
    }

    @Test(
        "every validation rule is a 422 on its dotted key, and nothing is written",
        arguments: [
            (#"{}"#, #"{"errors":{"incident":["is missing"]}}"#),
            (
                #"{"incident": {}}"#,
                #"{"errors":{"title":["can't be blank"],"updates":["can't be blank"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": []}}"#,
                #"{"errors":{"updates":["can't be blank"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": "x"}}"#,
                #"{"errors":{"updates_attributes":["is invalid"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": [{"status": "x", "message": " "}, 3]}}"#,
                #"{"errors":{"updates_attributes":["is invalid"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": [{"status": "down", "message": " "}]}}"#,
                #"{"errors":{"updates.status":["is not included in the list"],"updates.message":["can't be blank"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": [{"status": "resolved", "message": "m"}, {"id": "9"}]}}"#,
                #"{"errors":{"updates.id":["is invalid"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": [{"status": "resolved", "message": "m"}], "#
                    + #""incidents_systems_attributes": {"a": 1}}}"#,
                #"{"errors":{"incidents_systems_attributes":["is invalid"]}}"#
            ),
            (
                #"{"incident": {"title": "T", "updates_attributes": [{"status": "resolved", "message": "m"}], "#
                    + #""incidents_systems_attributes": [{"status": "major_outage"}, {"system_id": "3", "status": ""}, "#
                    + #"{"system_id": "x", "status": "operational"}, {"id": "5", "status": "on_fire"}]}}"#,
                #"{"errors":{"incidents_systems.system_id":["can't be blank","is invalid"],"#
                    + #""incidents_systems.status":["is not included in the list"],"#
                    + #""incidents_systems.id":["is invalid"]}}"#
            ),
        ])
    func validation(body: String, expected: String) async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let answer = try await emulator.client.post("/incidents", body)
            #expect(answer.status == 422)
            #expect(answer.text == expected)
            #expect(try await emulator.client.get("/incidents").text == "[]")
        }
    }

    @Test("a PUT checks ids against the path's incident, finds the incident first, and writes nothing on error")
    func putChecks() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            try await Self.openAndIdentify(emulator)
            _ = try await emulator.client.post(
                "/incidents",
                #"{"incident": {"title": "Other", "updates_attributes": [{"status": "resolved", "message": "m"}], "#
                    + #""incidents_systems_attributes": [{"system_id": "2", "status": "operational"}]}}"#)
            let foreign = try await emulator.client.put(
                "/incidents/1",
                #"{"incident": {"title": "Renamed", "updates_attributes": [{"id": "3", "message": "x"}], "#
                    + #""incidents_systems_attributes": [{"id": "2", "status": "major_outage"}]}}"#)
            #expect(
                foreign.text == #"{"errors":{"updates.id":["is invalid"],"incidents_systems.id":["is invalid"]}}"#)
            #expect(try await emulator.client.get("/incidents/1").text == Self.updatedAnswer)
            let missing = try await emulator.client.put("/incidents/99", #"{"incident": {"updates_attributes": 1}}"#)
            #expect(missing.status == 404)
            #expect(missing.text == #"{"error":"Not Found"}"#)
        }
    }

    @Test("incidents and systems are per brand; odd ids are 404; DELETE and POST /systems are 405")
    func scoping() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            try await Self.openAndIdentify(emulator)
            let outlet = emulator.client(host: "acme-outlet.localhost")
            #expect(try await outlet.get("/incidents").text == "[]")
            #expect(try await outlet.get("/incidents/1").status == 404)
            let outletSystems = try #require(try await outlet.get("/systems").json() as? [[String: Any]])
            #expect(outletSystems.map { $0["title"] as? String } == ["Outlet Checkout"])
            let foreignSystem = try await emulator.client.post(
                "/incidents",
                #"{"incident": {"title": "T", "updates_attributes": [{"status": "resolved", "message": "m"}], "#
                    + #""incidents_systems_attributes": [{"system_id": "3", "status": "major_outage"}]}}"#)
            #expect(foreignSystem.text == #"{"errors":{"incidents_systems.system_id":["is invalid"]}}"#)
            for path in ["/incidents/x", "/incidents/-1", "/incidents/1.5", "/incidents/%201"] {
                #expect(try await emulator.client.get(path).status == 404, "\(path)")
            }
            let delete = try await emulator.client.delete("/incidents/1")
            #expect(delete.status == 405)
            #expect(delete.header("Allow") == "GET, PUT")
            #expect(try await emulator.client.post("/systems", "{}").header("Allow") == "GET")
        }
    }

    @Test("systems and incidents load from fixtures, export in the state, and load again unchanged")
    func fixturesRoundTrip() async throws {
        let fixtures = Self.fixtures.replacingOccurrences(
            of: #""brand": "acme-outlet", "created_at": "2026-01-12T12:00:00Z"}]"#,
            with: #""brand": "acme-outlet", "created_at": "2026-01-12T12:00:00Z"}], "#
                + #""incidents": [{"title": "Checkout errors", "external_url": "https://status.acme-store.com/1", "#
                + #""created_at": "2026-11-20T08:00:00Z", "updates": [{"status": "investigating", "message": "Looking."}, "#
                + #"{"status": "resolved", "message": "Fixed.", "created_at": "2026-11-20T09:00:00Z"}], "#
                + #""systems": [{"system": "Storefront", "status": "partial_outage"}]}]"#)
        try await withEmulator(fixtures: fixtures) { emulator in
            let incident = try await emulator.client.get("/incidents/1").object()
            #expect(incident["status"] as? String == "resolved")
            #expect(incident["external_url"] as? String == "https://status.acme-store.com/1")
            #expect(incident["updated_at"] as? String == "2026-11-20T09:00:00.000Z")
            let state = try await emulator.control("GET", "state")
            let exported: String =
                #""incidents":[{"brand":"acme","title":"Checkout errors","#
                + #""external_url":"https://status.acme-store.com/1","created_at":"2026-11-20T08:00:00.000Z","#
                + #""updated_at":"2026-11-20T09:00:00.000Z","updates":[{"status":"investigating","#
                + #""message":"Looking.","created_at":"2026-11-20T08:00:00.000Z"},{"status":"resolved","#
                + #""message":"Fixed.","created_at":"2026-11-20T09:00:00.000Z"}],"#
                + #""systems":[{"system":"Storefront","status":"partial_outage"}]}]"#
            #expect(state.text.contains(exported), "\(state.text)")
            #expect(state.text.contains(#""systems":[{"brand":"acme","title":"Shipping API","#))
            let imported = try await emulator.control("PUT", "state", state.text)
            #expect(imported.text == state.text)
        }
    }

    @Test(
        "fixture entries are checked and name the bad entry",
        arguments: [
            (
                #""incidents": [{"title": "T", "updates": []}]"#,
                #"$.accounts[0].incidents[0].updates: needs an update"#
            ),
            (
                #""incidents": [{"title": "T", "updates": [{"status": "done", "message": "m"}]}]"#,
                #"$.accounts[0].incidents[0].updates[0].status: must be one of investigating, identified, monitoring, resolved"#
            ),
            (
                #""incidents": [{"title": "T", "updates": [{"status": "resolved", "message": "m"}], "systems": [{"system": "Nope", "status": "operational"}]}]"#,
                #"$.accounts[0].incidents[0].systems[0].system: "Nope" is not a system of the brand"#
            ),
            (
                #""systems": [{"title": "A"}, {"title": "A"}]"#,
                #"$.accounts[0].systems[1].title: has already been taken"#
            ),
        ])
    func fixtureErrors(entry: String, message: String) async throws {
        let fixtures = TestFixtures.acme.replacingOccurrences(
            of: #"{"name": "No Token", "email": "notoken@acme-store.com"}]},"#,
            with: #"{"name": "No Token", "email": "notoken@acme-store.com"}], "# + entry + "},")
        #expect(throws: (any Error).self) {
            try TestFixtures.load(fixtures)
        }
        do {
            try TestFixtures.load(fixtures)
        } catch {
            #expect("\(error)" == message)
        }
    }
}
