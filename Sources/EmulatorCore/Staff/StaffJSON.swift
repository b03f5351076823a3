import JSON

extension JSONWriter {
    /// The staff object of spec §8.1; passwords and tokens are never written.
    mutating func staff(_ staff: StaffRecord) {
        object { writer in
            writer.field("name", staff.name)
            writer.field("email", staff.email)
            writer.field("display_name", staff.displayName)
            writer.field("created_at", staff.createdAt)
            writer.key("role")
            writer.object { writer in
                writer.field("name", staff.roleName)
                writer.key("admin?")
                writer.bool(staff.isAdmin)
            }
        }
    }
}
