-- Seeds a migrated emulator database (account 1, brand `bench`) for `make bench`: 100,000 contacts with an email
-- identity and a note each, one identity carrying a conversation of 100,000 messages, and two contacts to move
-- identities between.
PRAGMA foreign_keys = OFF;
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 99999)
INSERT INTO contacts (id, account_id, name, sort_name, created_at, updated_at)
SELECT n + 1, 1, 'Contact ' || n, 'contact ' || n, 1764000000000 + n, 1764000000000 + n FROM seq;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 99999)
INSERT INTO identities (account_id, contact_id, type, identifier, match_key, attached_seq)
SELECT 1, n + 1, 'email', 'c' || n || '@example.com', 'c' || n || '@example.com', n + 1 FROM seq;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 99999)
INSERT INTO notes (contact_id, body, creator_id, created_at, updated_at)
SELECT n + 1, 'Called about order ' || n, (SELECT id FROM staff WHERE email = 'bench@example.com'),
    1764000000000 + n, 1764000000000 + n FROM seq;

INSERT INTO contacts (id, account_id, name, sort_name, created_at, updated_at) VALUES
    (100001, 1, 'Heavy History', 'heavy history', 1764100000000, 1764100000000),
    (100002, 1, 'Mover A', 'mover a', 1764100000000, 1764100000000),
    (100003, 1, 'Mover B', 'mover b', 1764100000000, 1764100000000);
INSERT INTO identities (account_id, contact_id, type, identifier, match_key, attached_seq) VALUES
    (1, 100001, 'email', 'heavy@example.com', 'heavy@example.com', 100001),
    (1, 100002, 'email', 'mover-a@example.com', 'mover-a@example.com', 100002),
    (1, 100003, 'email', 'mover-b@example.com', 'mover-b@example.com', 100003),
    (1, 100002, 'email', 'moving@example.com', 'moving@example.com', 100004);
INSERT INTO conversations (brand_id, channel_id, slug, subject, status, author_identity_id, origin, created_at, updated_at)
SELECT b.id, c.id, 'heavy-history', 'Heavy history', 0, i.id, 1, 1764100000000, 1764100000000
FROM brands b JOIN channels c ON c.brand_id = b.id AND c.slug = 'support'
JOIN identities i ON i.match_key = 'heavy@example.com' WHERE b.host_label = 'bench';
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 99999)
INSERT INTO messages (conversation_id, body, visibility, sender_identity_id, created_at)
SELECT (SELECT id FROM conversations WHERE slug = 'heavy-history'), 'Message ' || n, 0,
       (SELECT id FROM identities WHERE match_key = 'heavy@example.com'), 1764100000000 + n FROM seq;
-- The search indexes: the emulator queues each new name and email and folds them in 64 at a time; SQL inserts like
-- these leave that to the seed. One INSERT … SELECT of every name leaves the trigram indexes in a shape that a write a
-- few requests later merges whole (one request then writes megabytes: BENCHMARKS.md); the emulator's own bulk loads
-- do not (SearchIndexTests). Merging each index once here leaves none that a later write merges whole, as after the
-- emulator's own loads.
INSERT INTO contact_name_search (rowid, empty, name) SELECT id, '', sort_name FROM contacts WHERE sort_name IS NOT NULL;
INSERT INTO email_search (rowid, empty, email) SELECT id, '', match_key FROM identities WHERE type = 'email';
INSERT INTO contact_name_search (contact_name_search) VALUES ('optimize');
INSERT INTO email_search (email_search) VALUES ('optimize');
-- A conversation keeps its message count and summary messages on its row (the emulator sets them as it inserts a
-- message): set from the schema's view for the messages inserted here.
UPDATE conversations SET
    (message_count, first_message_id, last_customer_message_id, last_staff_message_id) = (SELECT
        s.message_count, s.first_message_id, s.last_customer_message_id, s.last_staff_message_id
        FROM conversation_summaries s WHERE s.conversation_id = conversations.id);
COMMIT;
PRAGMA foreign_key_check;
PRAGMA optimize;
