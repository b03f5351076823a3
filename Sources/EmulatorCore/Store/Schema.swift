import SQLiteStore

/// The schema, as an ordered list of migrations versioned by `PRAGMA user_version`.
/// A shipped migration is never edited: a change is a new entry at the end.
enum Schema {
    /// What a new database starts as: a copy of the image of what the migrations build (Schema+Current.swift).
    /// - Throws: ``SQLiteError`` when the image's text is malformed (`SchemaTests` checks it is not).
    static func newDatabase() throws -> DatabaseImage { try DatabaseImage(encoded: currentImage) }

    static let migrations: [String] = [
        // 1: accounts, brands, staff, channels, contacts with identities, data and notes, conversations, messages.
        """
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
        ) STRICT;
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
        CREATE INDEX identities_by_seq ON identities(attached_seq);

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
            updated_at INTEGER NOT NULL,
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
            created_at INTEGER NOT NULL,
            CHECK ((sender_identity_id IS NULL) <> (sender_staff_id IS NULL))
        ) STRICT;
        CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at DESC, id DESC);
        CREATE INDEX messages_by_sender_identity ON messages(sender_identity_id);
        CREATE INDEX messages_by_sender_staff ON messages(sender_staff_id);
        CREATE INDEX messages_by_origin_id ON messages(conversation_id, origin_id);
        """,
        // 2: a trigram index behind `GET /contacts?q=`: a contact's lower-cased name and its email identities, kept
        // current by triggers, so a substring search reads the index instead of scanning every contact.
        """
        CREATE VIRTUAL TABLE contact_search USING fts5(name, emails, tokenize = 'trigram case_sensitive 1');
        INSERT INTO contact_search (rowid, name, emails)
        SELECT c.id, coalesce(c.sort_name, ''),
            coalesce((SELECT group_concat(i.match_key, char(10)) FROM identities i
                      WHERE i.contact_id = c.id AND i.type = 'email'), '')
        FROM contacts c;

        CREATE TRIGGER contact_search_after_contact_insert AFTER INSERT ON contacts BEGIN
            INSERT INTO contact_search (rowid, name, emails) VALUES (new.id, coalesce(new.sort_name, ''), '');
        END;
        CREATE TRIGGER contact_search_after_name_update AFTER UPDATE OF sort_name ON contacts BEGIN
            UPDATE contact_search SET name = coalesce(new.sort_name, '') WHERE rowid = new.id;
        END;
        CREATE TRIGGER contact_search_after_contact_delete AFTER DELETE ON contacts BEGIN
            DELETE FROM contact_search WHERE rowid = old.id;
        END;
        CREATE TRIGGER contact_search_after_email_insert AFTER INSERT ON identities WHEN new.type = 'email' BEGIN
            UPDATE contact_search SET emails = (SELECT group_concat(match_key, char(10)) FROM identities
                WHERE contact_id = new.contact_id AND type = 'email') WHERE rowid = new.contact_id;
        END;
        CREATE TRIGGER contact_search_after_email_move AFTER UPDATE OF contact_id ON identities WHEN new.type = 'email'
        BEGIN
            UPDATE contact_search SET emails = coalesce((SELECT group_concat(match_key, char(10)) FROM identities
                WHERE contact_id = contact_search.rowid AND type = 'email'), '')
            WHERE rowid IN (old.contact_id, new.contact_id);
        END;
        CREATE TRIGGER contact_search_after_email_delete AFTER DELETE ON identities WHEN old.type = 'email' BEGIN
            UPDATE contact_search SET emails = coalesce((SELECT group_concat(match_key, char(10)) FROM identities
                WHERE contact_id = old.contact_id AND type = 'email'), '') WHERE rowid = old.contact_id;
        END;
        """,
        // 3: the knowledge base of each brand: topics and articles. An article's search text is its title and body
        // lower-cased by Swift (Unicode case folding), so `q` is one `instr` over an indexed brand's rows.
        """
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
        """,
        // 4: response templates of each brand, in groups; a personal template is visible to its owner only.
        """
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
        """,
        // 5: satisfaction ratings of conversations (a rating follows its conversation's brand), and the
        // access_reports permission of staff users (NULL: an administrator has it, nobody else).
        """
        ALTER TABLE staff ADD COLUMN access_reports INTEGER;

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
        """,
        // 6: the status page of each brand: systems, incidents with their updates, and the links between them. An
        // incident's status is its latest update's; a system's, its active incidents' most severe link status.
        """
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
        """,
        // 7: what reports aggregate. A staff response's `response_ms` is its response time (the wait a customer message
        // opened, closed by the next staff response; NULL for every other message), computed here once for the
        // messages already stored and kept current by `ResponseTimes` as messages are added. Indexes by time cover
        // the message counts and the timed responses, so reports read no message rows.
        """
        ALTER TABLE messages ADD COLUMN response_ms INTEGER;
        CREATE INDEX messages_by_created ON messages(created_at, conversation_id, visibility, sender_staff_id);
        CREATE INDEX messages_timed ON messages(created_at, conversation_id, sender_staff_id, response_ms)
            WHERE response_ms IS NOT NULL;

        -- In each conversation's visibility-0 messages, in time order, a staff message that follows k staff messages
        -- closes the wait that the customer messages after the k-th staff message opened, at the first of them.
        WITH ordered AS (
            SELECT id, conversation_id, created_at, sender_staff_id IS NOT NULL AS by_staff,
                coalesce(sum(sender_staff_id IS NOT NULL) OVER (PARTITION BY conversation_id ORDER BY created_at, id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS staff_before
            FROM messages WHERE visibility = 0
        ), waits AS (
            SELECT conversation_id, staff_before, min(created_at) AS opened_at FROM ordered WHERE NOT by_staff
            GROUP BY conversation_id, staff_before
        )
        UPDATE messages SET response_ms = timed.ms
        FROM (SELECT o.id, o.created_at - w.opened_at AS ms FROM ordered o
              JOIN waits w ON w.conversation_id = o.conversation_id AND w.staff_before = o.staff_before
              WHERE o.by_staff) AS timed
        WHERE messages.id = timed.id;
        """,
        // 8: the count of a brand's conversations by status (every conversation list pages with it) reads this index
        // alone instead of every conversation row: 16 ms down to 3 ms for 50,000 conversations (BENCHMARKS.md).
        """
        CREATE INDEX conversations_by_brand_status ON conversations(brand_id, status);
        """,
        // 9: the trigram index of migration 2 split in two, so that moving an identity writes no index at all: the
        // names of contacts by contact id, and email identities by identity id (a search joins them to their
        // contacts). The combined row of 2 had to be rewritten for both contacts of every move, which was three
        // quarters of a move's SQLite work (BENCHMARKS.md). Both are contentless (the text lives in `contacts` and
        // `identities`; a row is removed by giving back the text it was indexed with) and keep no column sizes.
        // The text goes in each index's second column, after one that stays empty: FTS5 (3.40) matches a phrase of
        // common trigrams in a second column with 30 % fewer instructions than in a first (a search of a million
        // emails: 1,259,000 → 877,000; BENCHMARKS.md), and migration 2's index had its emails there.
        //
        // New text waits in `contact_search_pending` (kind 0: a contact's name, kind 1: an email identity) and goes
        // into the indexes 64 rows at a time: FTS5 writes a new index segment for every statement that adds to it
        // (about 220,000 instructions and several pages each), so adding one name and one email per contact was
        // most of a `POST /contacts`. A search reads the indexes and checks the few pending rows with `instr`. Every
        // name and email identity is in exactly one of the two places: a change removes the old text from whichever
        // holds it and queues the new.
        """
        DROP TRIGGER contact_search_after_contact_insert;
        DROP TRIGGER contact_search_after_name_update;
        DROP TRIGGER contact_search_after_contact_delete;
        DROP TRIGGER contact_search_after_email_insert;
        DROP TRIGGER contact_search_after_email_move;
        DROP TRIGGER contact_search_after_email_delete;
        DROP TABLE contact_search;

        CREATE VIRTUAL TABLE contact_name_search USING fts5(
            empty, name, tokenize = 'trigram case_sensitive 1', content = '', columnsize = 0);
        INSERT INTO contact_name_search (rowid, empty, name)
        SELECT id, '', sort_name FROM contacts WHERE sort_name IS NOT NULL;
        CREATE VIRTUAL TABLE email_search USING fts5(
            empty, email, tokenize = 'trigram case_sensitive 1', content = '', columnsize = 0);
        INSERT INTO email_search (rowid, empty, email) SELECT id, '', match_key FROM identities WHERE type = 'email';

        CREATE TABLE contact_search_pending (
            kind INTEGER NOT NULL,
            id INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER contact_search_pending_full AFTER INSERT ON contact_search_pending
        WHEN (SELECT count(*) FROM contact_search_pending) >= 64 BEGIN
            INSERT INTO contact_name_search (rowid, empty, name)
            SELECT id, '', text FROM contact_search_pending WHERE kind = 0;
            INSERT INTO email_search (rowid, empty, email)
            SELECT id, '', text FROM contact_search_pending WHERE kind = 1;
            DELETE FROM contact_search_pending;
        END;

        CREATE TRIGGER contact_name_search_after_insert AFTER INSERT ON contacts WHEN new.sort_name IS NOT NULL BEGIN
            INSERT INTO contact_search_pending (kind, id, text) VALUES (0, new.id, new.sort_name);
        END;
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

        CREATE TRIGGER email_search_after_insert AFTER INSERT ON identities WHEN new.type = 'email' BEGIN
            INSERT INTO contact_search_pending (kind, id, text) VALUES (1, new.id, new.match_key);
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
        """,
        // 10: a conversation's summaries (its newest regular message from each side) are found in this index alone:
        // its entries also carry each message's visibility and senders, so finding them reads no message row only to
        // pass over it. GET /conversations/{slug} 238,046 -> 230,219 instructions (callgrind, 50,000 conversations).
        """
        DROP INDEX messages_by_conversation;
        CREATE INDEX messages_by_conversation
            ON messages(conversation_id, created_at DESC, id DESC, visibility, sender_identity_id, sender_staff_id);
        """,
        // 11: an identity's position (`attached_seq`) orders its contact's identities only, so a new position is one
        // past the largest of its new contact's (read from `identities_by_contact`) instead of one past the largest
        // of all, and the index that found that one goes: every identity move and attachment rewrote a page of it,
        // a fourth of the pages a move writes to the log.
        """
        DROP INDEX identities_by_seq;
        """,
        // 12: a new contact's name and a new email identity's address are queued for the search indexes, and the
        // queue folded into them, by the program (ContactRepository) instead of triggers. The insert triggers gave
        // every contact and identity insert a statement journal, and the queue's trigger, which writes the indexes,
        // made FTS5 join every statement of the transaction: a `POST /contacts` runs 366,160 instructions instead
        // of 383,243 without them (callgrind, BENCHMARKS.md). The update and delete triggers stay: a rename queues
        // its new text, and the program folds after it.
        """
        DROP TRIGGER contact_name_search_after_insert;
        DROP TRIGGER email_search_after_insert;
        DROP TRIGGER contact_search_pending_full;
        """,
        // 13: a conversation's message count and the ids of its first message and of its newest regular message
        // from each side live on its row, so reading a conversation reads no run of its messages: counting them and
        // finding the newest staff message had walked the conversation's whole index (a read of a conversation of
        // 100,000 customer messages took 14-24 ms instead of under 1), and the subqueries were a tenth of a
        // conversation read's instructions. The view says what the summaries are; the program sets them as it
        // inserts a message (`ConversationRepository.insertMessage`: a trigger on inserts gave each a statement
        // journal, +45,000 instructions a message, 8-15 ms more for the demo data's start-up); triggers keep them
        // right when messages go (by cascade too: a conversation, an identity, a staff user deleted) or change.
        // What inserts messages by SQL (the bench's seeds) sets them from the view afterwards, as this does.
        """
        ALTER TABLE conversations ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE conversations ADD COLUMN first_message_id INTEGER;
        ALTER TABLE conversations ADD COLUMN last_customer_message_id INTEGER;
        ALTER TABLE conversations ADD COLUMN last_staff_message_id INTEGER;

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

        UPDATE conversations SET
            (message_count, first_message_id, last_customer_message_id, last_staff_message_id) = (SELECT
                s.message_count, s.first_message_id, s.last_customer_message_id, s.last_staff_message_id
                FROM conversation_summaries s WHERE s.conversation_id = conversations.id);
        """,
        // 14: a contact's identities are read from their index alone: every contact shown (a read, a page, a
        // conversation's author) had looked each identity's row up again for its type and identifier, one more
        // B-tree descent an identity (about 2,700 of a contact read's instructions). A move rewrites the index
        // entry as before, now a longer one.
        """
        DROP INDEX identities_by_contact;
        CREATE INDEX identities_by_contact ON identities(contact_id, attached_seq, type, identifier);
        """,
    ]
}
