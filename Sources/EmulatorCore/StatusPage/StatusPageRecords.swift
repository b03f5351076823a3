/// The status of an incident update, most recent update first deciding the incident's status.
enum IncidentStatus: String, CaseIterable, Sendable {
    case investigating, identified, monitoring, resolved
}

/// The status a system has in an incident; the system shows the most severe of its active incidents'.
enum SystemStatus: String, CaseIterable, Sendable {
    case operational
    case degradedPerformance = "degraded_performance"
    case partialOutage = "partial_outage"
    case majorOutage = "major_outage"
    case underMaintenance = "under_maintenance"

    /// Higher is more severe: a major outage outranks a partial one, which outranks degraded performance, then
    /// maintenance, then operational.
    var severity: Int {
        switch self {
        case .operational: 0
        case .underMaintenance: 1
        case .degradedPerformance: 2
        case .partialOutage: 3
        case .majorOutage: 4
        }
    }
}

/// One update of an incident: what was known, and the status it gave the incident.
struct IncidentUpdateRecord: Sendable {
    let id: Int
    let status: IncidentStatus
    let message: String
    let createdAt: Timestamp
}

/// An incident's link to one system of its brand, with the status the incident gives that system.
struct IncidentSystemRecord: Sendable {
    let id: Int
    let systemID: Int
    let status: SystemStatus
    let systemTitle: String
}

/// An incident of a brand's status page, with its updates newest first and its system links in the order added.
struct IncidentRecord: Sendable {
    let id: Int
    let title: String
    let accountID: Int
    let brandID: Int
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let externalURL: String?
    let updates: [IncidentUpdateRecord]
    let systems: [IncidentSystemRecord]

    /// The latest update's status (every incident has at least one update).
    var status: IncidentStatus { updates.first?.status ?? .investigating }
    /// Active until its latest update is `resolved`.
    var isActive: Bool { status != .resolved }
}

/// A system of a brand's status page, with the active incidents that link it, newest first.
struct SystemRecord: Sendable {
    let id: Int
    let title: String
    let accountID: Int
    let brandID: Int
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let activeIncidents: [IncidentRecord]

    /// The most severe status its active incidents give it; operational without any.
    var status: SystemStatus {
        activeIncidents.flatMap { incident in incident.systems.filter { $0.systemID == id }.map(\.status) }
            .max { $0.severity < $1.severity } ?? .operational
    }
}
