import Foundation

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux is not safe to call from several
/// threads at once (seen here: a crash in its memcpy while parallel tests launched processes), so every test that
/// starts a process goes through this lock.
public enum ProcessLauncher {
    private static let lock = NSLock()

    /// Runs `process`, serialised with every other launch in the test process.
    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
