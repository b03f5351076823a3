/// The version reported by the health check.
public enum EmulatorVersion {
    /// This build's version.
    public static let current = "0.1.0"
}
