// Written by `make schema` from a database the migrations built; do not edit. SchemaTests checks it.

extension Schema {
    /// Everything the migrations build, as one script: a new database runs this instead of every migration
    /// (most of which, for a database with nothing in it yet, make tables and triggers that later ones change
    /// or drop), then takes the last migration's version.
    static let current = """
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL
        ) STRICT;

        CREATE TABLE brands (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            host_label TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            is_default INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE INDEX brands_by_account ON brands(account_id, is_default DESC, id);

        CREATE TABLE staff (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT,
            email TEXT NOT NULL UNIQUE,
            api_token TEXT,
            password TEXT,
            role_name TEXT NOT NULL,
            is_admin INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        , access_reports INTEGER) STRICT;

        CREATE INDEX staff_by_account ON staff(account_id, created_at, id);

        CREATE TABLE channels (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            slug TEXT NOT NULL,
            email TEXT NOT NULL,
            channel_type INTEGER NOT NULL,
            visibility INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (brand_id, slug)
        ) STRICT;

        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            external_id TEXT,
            name TEXT,
            sort_name TEXT,
            friendly_name TEXT,
            external_avatar_url TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (account_id, external_id)
        ) STRICT;

        CREATE INDEX contacts_by_name ON contacts(account_id, sort_name IS NULL, sort_name, id);

        CREATE INDEX contacts_by_date ON contacts(account_id, created_at DESC, id DESC);

        CREATE TABLE contact_data (
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value_json TEXT NOT NULL,
            value_text TEXT NOT NULL,
            UNIQUE (contact_id, key)
        ) STRICT;

        CREATE TABLE identities (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            identifier TEXT NOT NULL,
            match_key TEXT NOT NULL,
            attached_seq INTEGER NOT NULL,
            UNIQUE (account_id, type, match_key)
        ) STRICT;

        CREATE INDEX identities_by_contact ON identities(contact_id, attached_seq);

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            creator_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE INDEX notes_by_contact ON notes(contact_id, created_at, id);

        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            subject TEXT,
            status INTEGER NOT NULL DEFAULT 0,
            author_identity_id INTEGER REFERENCES identities(id) ON DELETE CASCADE,
            author_staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
            assignee_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
            origin INTEGER NOT NULL,
            hold_until INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL, message_count INTEGER NOT NULL DEFAULT 0, first_message_id INTEGER, last_customer_message_id INTEGER, last_staff_message_id INTEGER,
            UNIQUE (brand_id, slug),
            CHECK ((author_identity_id IS NULL) <> (author_staff_id IS NULL))
        ) STRICT;

        CREATE INDEX conversations_by_author_identity ON conversations(author_identity_id);

        CREATE INDEX conversations_by_author_staff ON conversations(author_staff_id);

        CREATE INDEX conversations_by_assignee ON conversations(assignee_id);

        CREATE INDEX conversations_by_brand_created ON conversations(brand_id, created_at DESC, id DESC);

        CREATE INDEX conversations_by_brand_updated ON conversations(brand_id, updated_at DESC, id DESC);

        CREATE INDEX conversations_by_channel ON conversations(channel_id);

        CREATE TABLE conversation_data (
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value_json TEXT NOT NULL,
            value_text TEXT NOT NULL,
            UNIQUE (conversation_id, key)
        ) STRICT;

        CREATE TABLE conversation_tags (
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            position INTEGER NOT NULL,
            UNIQUE (conversation_id, tag)
        ) STRICT;

        CREATE INDEX conversation_tags_by_tag ON conversation_tags(tag COLLATE NOCASE);

        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            visibility INTEGER NOT NULL DEFAULT 0,
            origin_id TEXT,
            sender_identity_id INTEGER REFERENCES identities(id) ON DELETE CASCADE,
            sender_staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
            recipients TEXT NOT NULL DEFAULT '[]',
            attachments TEXT NOT NULL DEFAULT '[]',
            created_at INTEGER NOT NULL, response_ms INTEGER,
            CHECK ((sender_identity_id IS NULL) <> (sender_staff_id IS NULL))
        ) STRICT;

        CREATE INDEX messages_by_sender_identity ON messages(sender_identity_id);

        CREATE INDEX messages_by_sender_staff ON messages(sender_staff_id);

        CREATE INDEX messages_by_origin_id ON messages(conversation_id, origin_id);

        CREATE TABLE topics (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            slug TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (brand_id, slug)
        ) STRICT;

        CREATE INDEX topics_by_brand ON topics(brand_id, created_at, id);

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            topic_id INTEGER REFERENCES topics(id) ON DELETE SET NULL,
            author_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            slug TEXT NOT NULL,
            status INTEGER NOT NULL,
            search_text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (brand_id, slug)
        ) STRICT;

        CREATE INDEX articles_by_brand ON articles(brand_id, created_at DESC, id DESC);

        CREATE INDEX articles_by_topic ON articles(topic_id, created_at DESC, id DESC);

        CREATE INDEX articles_by_author ON articles(author_id);

        CREATE TABLE response_template_groups (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            UNIQUE (brand_id, name)
        ) STRICT;

        CREATE TABLE response_templates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES response_template_groups(id) ON DELETE SET NULL,
            owner_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            sort_name TEXT NOT NULL,
            body TEXT NOT NULL,
            search_text TEXT NOT NULL,
            is_personal INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE INDEX response_templates_by_name ON response_templates(brand_id, sort_name, id);

        CREATE INDEX response_templates_by_owner ON response_templates(owner_id);

        CREATE INDEX response_templates_by_group ON response_templates(group_id);

        CREATE TABLE satisfaction_ratings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment TEXT,
            assignee_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE INDEX satisfaction_ratings_by_conversation ON satisfaction_ratings(conversation_id);

        CREATE INDEX satisfaction_ratings_by_created ON satisfaction_ratings(created_at DESC, id DESC);

        CREATE INDEX satisfaction_ratings_by_assignee ON satisfaction_ratings(assignee_id);

        CREATE TABLE systems (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (brand_id, title)
        ) STRICT;

        CREATE INDEX systems_by_brand ON systems(brand_id, created_at, id);

        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            external_url TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE INDEX incidents_by_brand ON incidents(brand_id, created_at DESC, id DESC);

        CREATE TABLE incident_updates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            message TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;

        CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id, created_at DESC, id DESC);

        CREATE TABLE incidents_systems (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            UNIQUE (incident_id, system_id)
        ) STRICT;

        CREATE INDEX incidents_systems_by_system ON incidents_systems(system_id);

        CREATE INDEX messages_by_created ON messages(created_at, conversation_id, visibility, sender_staff_id);

        CREATE INDEX messages_timed ON messages(created_at, conversation_id, sender_staff_id, response_ms)
            WHERE response_ms IS NOT NULL;

        CREATE INDEX conversations_by_brand_status ON conversations(brand_id, status);

        CREATE VIRTUAL TABLE contact_name_search USING fts5(
            empty, name, tokenize = 'trigram case_sensitive 1', content = '', columnsize = 0);

        CREATE VIRTUAL TABLE email_search USING fts5(
            empty, email, tokenize = 'trigram case_sensitive 1', content = '', columnsize = 0);

        CREATE TABLE contact_search_pending (
            kind INTEGER NOT NULL,
            id INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER contact_name_search_after_update AFTER UPDATE OF sort_name ON contacts
        WHEN old.sort_name IS NOT new.sort_name BEGIN
            INSERT INTO contact_name_search (contact_name_search, rowid, empty, name)
            SELECT 'delete', old.id, '', old.sort_name WHERE old.sort_name IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM contact_search_pending WHERE kind = 0 AND id = old.id);
            DELETE FROM contact_search_pending WHERE kind = 0 AND id = old.id;
            INSERT INTO contact_search_pending (kind, id, text)
            SELECT 0, new.id, new.sort_name WHERE new.sort_name IS NOT NULL;
        END;

        CREATE TRIGGER contact_name_search_after_delete AFTER DELETE ON contacts WHEN old.sort_name IS NOT NULL BEGIN
            INSERT INTO contact_name_search (contact_name_search, rowid, empty, name)
            SELECT 'delete', old.id, '', old.sort_name
            WHERE NOT EXISTS (SELECT 1 FROM contact_search_pending WHERE kind = 0 AND id = old.id);
            DELETE FROM contact_search_pending WHERE kind = 0 AND id = old.id;
        END;

        CREATE TRIGGER email_search_after_update AFTER UPDATE OF type, match_key ON identities
        WHEN old.type IS NOT new.type OR old.match_key IS NOT new.match_key BEGIN
            INSERT INTO email_search (email_search, rowid, empty, email)
            SELECT 'delete', old.id, '', old.match_key WHERE old.type = 'email'
                AND NOT EXISTS (SELECT 1 FROM contact_search_pending WHERE kind = 1 AND id = old.id);
            DELETE FROM contact_search_pending WHERE kind = 1 AND id = old.id;
            INSERT INTO contact_search_pending (kind, id, text)
            SELECT 1, new.id, new.match_key WHERE new.type = 'email';
        END;

        CREATE TRIGGER email_search_after_delete AFTER DELETE ON identities WHEN old.type = 'email' BEGIN
            INSERT INTO email_search (email_search, rowid, empty, email)
            SELECT 'delete', old.id, '', old.match_key
            WHERE NOT EXISTS (SELECT 1 FROM contact_search_pending WHERE kind = 1 AND id = old.id);
            DELETE FROM contact_search_pending WHERE kind = 1 AND id = old.id;
        END;

        CREATE INDEX messages_by_conversation
            ON messages(conversation_id, created_at DESC, id DESC, visibility, sender_identity_id, sender_staff_id);

        CREATE VIEW conversation_summaries AS
        SELECT c.id AS conversation_id,
            (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count,
            (SELECT m.id FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at, m.id LIMIT 1)
                AS first_message_id,
            (SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.sender_identity_id IS NOT NULL
                AND m.visibility = 0 ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_customer_message_id,
            (SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.sender_staff_id IS NOT NULL
                AND m.visibility = 0 ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_staff_message_id
        FROM conversations c;

        CREATE TRIGGER conversation_summaries_after_message_delete AFTER DELETE ON messages BEGIN
            UPDATE conversations SET
                message_count = message_count - 1,
                first_message_id = CASE first_message_id WHEN old.id THEN (SELECT s.first_message_id
                    FROM conversation_summaries s WHERE s.conversation_id = old.conversation_id)
                    ELSE first_message_id END,
                last_customer_message_id = CASE last_customer_message_id WHEN old.id THEN (SELECT
                    s.last_customer_message_id FROM conversation_summaries s WHERE s.conversation_id = old.conversation_id)
                    ELSE last_customer_message_id END,
                last_staff_message_id = CASE last_staff_message_id WHEN old.id THEN (SELECT s.last_staff_message_id
                    FROM conversation_summaries s WHERE s.conversation_id = old.conversation_id)
                    ELSE last_staff_message_id END
            WHERE id = old.conversation_id;
        END;

        CREATE TRIGGER conversation_summaries_after_message_update
        AFTER UPDATE OF conversation_id, created_at, visibility, sender_identity_id, sender_staff_id ON messages BEGIN
            UPDATE conversations SET
                (message_count, first_message_id, last_customer_message_id, last_staff_message_id) = (SELECT
                    s.message_count, s.first_message_id, s.last_customer_message_id, s.last_staff_message_id
                    FROM conversation_summaries s WHERE s.conversation_id = conversations.id)
            WHERE id IN (old.conversation_id, new.conversation_id);
        END;
        """
}
