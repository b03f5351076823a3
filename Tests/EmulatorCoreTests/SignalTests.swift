import Foundation
import Synchronization
import TestSupport
import Testing

/// SIGTERM and SIGINT stop the server every time: `docker stop`, `make run`'s Ctrl-C and `kill; wait` in CI scripts
/// depend on it. The signals are blocked in every thread from the first line of `main` and taken by `sigwait`, so no
/// start-up ordering can lose one; these tests start the binary hundreds of times with the CPUs busy to show it.
@Suite struct SignalTests {
    @Test(
        "started 200 times and sent SIGTERM, then 200 times and sent SIGINT, with the CPUs busy: each exits 0 within 3 s",
        arguments: [SIGTERM, SIGINT])
    func everyStartStopsOnTheFirstSignal(signal: Int32) async throws {
        let load = BusyLoad(threads: ProcessInfo.processInfo.activeProcessorCount)
        defer { load.stop() }
        let lanes = 4
        let failures = await onThreads(lanes) { lane -> [String] in
            var failures: [String] = []
            for cycle in 0..<(200 / lanes) {
                do {
                    let launched = try CommandLineTests.launch(["--port", "0", "--database", ":memory:"])
                    guard launched.firstLine.hasPrefix("reamaze-emulator listening on") else {
                        failures.append(
                            "lane \(lane) cycle \(cycle): no start-up line; stderr: \(launched.child.errors)")
                        continue
                    }
                    launched.child.send(signal)
                    let ended = launched.child.wait(seconds: 3)
                    if ended != .exited(0) {
                        let state =
                            (try? String(contentsOfFile: "/proc/\(launched.child.pid)/status", encoding: .utf8))?
                            .split(separator: "\n").filter { $0.hasPrefix("Sig") }.joined(separator: " ")
                        failures.append(
                            "lane \(lane) cycle \(cycle): \(ended.map { "\($0)" } ?? "still running after 3 s") \(state ?? "")"
                        )
                    }
                } catch {
                    failures.append("lane \(lane) cycle \(cycle): \(error)")
                }
            }
            return failures
        }.flatMap { $0 }
        #expect(failures.isEmpty, "\(failures.count) of 200: \(failures.prefix(3))")
    }
}

/// Keeps every core busy until stopped, so the start-up races a loaded machine shows are exercised.
final class BusyLoad: Sendable {
    private let running = Atomic<Bool>(true)

    init(threads: Int) {
        for _ in 0..<threads {
            Thread.detachNewThread { [self] in
                var spin = 0
                while running.load(ordering: .relaxed) { spin &+= 1 }
            }
        }
    }

    func stop() { running.store(false, ordering: .relaxed) }
}
