import JSON

extension JSONWriter {
    /// The incident object: one shape for every incidents route and inside a system's `active_incidents`.
    mutating func incident(_ incident: IncidentRecord) {
        object { writer in
            writer.field("id", String(incident.id))
            writer.field("title", incident.title)
            writer.field("account_id", incident.accountID)
            writer.field("brand_id", incident.brandID)
            writer.field("created_at", incident.createdAt)
            writer.field("updated_at", incident.updatedAt)
            writer.field("status", incident.status.rawValue)
            writer.field("external_url", incident.externalURL)
            writer.key("updates")
            writer.array { writer in
                for update in incident.updates {
                    writer.object { writer in
                        writer.field("id", String(update.id))
                        writer.field("status", update.status.rawValue)
                        writer.field("message", update.message)
                        writer.field("created_at", update.createdAt)
                    }
                }
            }
            writer.key("incidents_systems")
            writer.array { writer in
                for link in incident.systems {
                    writer.object { writer in
                        writer.field("id", String(link.id))
                        writer.field("system_id", String(link.systemID))
                        writer.field("status", link.status.rawValue)
                        writer.key("system")
                        writer.object { writer in
                            writer.field("id", String(link.systemID))
                            writer.field("title", link.systemTitle)
                        }
                    }
                }
            }
        }
    }

    /// The system object, its status derived from its active incidents.
    mutating func system(_ system: SystemRecord) {
        object { writer in
            writer.field("id", String(system.id))
            writer.field("title", system.title)
            writer.field("account_id", system.accountID)
            writer.field("brand_id", system.brandID)
            writer.field("created_at", system.createdAt)
            writer.field("updated_at", system.updatedAt)
            writer.field("status", system.status.rawValue)
            writer.key("active_incidents")
            writer.array { writer in for incident in system.activeIncidents { writer.incident(incident) } }
        }
    }
}
