-- Seeds a migrated emulator database (account 1, brand `bench`) for make bench's growth table with :count contacts
-- (set by the runner with `.parameter set :count N`): each with an email identity c<n>@example.com and a note, and
-- for one in ten a conversation of five messages; plus two contacts to move the identity moving@example.com between.
PRAGMA foreign_keys = OFF;
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1)
INSERT INTO contacts (id, account_id, name, sort_name, created_at, updated_at)
SELECT n + 1, 1, 'Contact ' || n, 'contact ' || n, 1764000000000 + n, 1764000000000 + n FROM seq;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1)
INSERT INTO identities (id, account_id, contact_id, type, identifier, match_key, attached_seq)
SELECT n + 1, 1, n + 1, 'email', 'c' || n || '@example.com', 'c' || n || '@example.com', n + 1 FROM seq;
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1)
INSERT INTO notes (contact_id, body, creator_id, created_at, updated_at)
SELECT n + 1, 'Called about order ' || n || '.', s.id, 1764000000000 + n, 1764000000000 + n
FROM seq JOIN staff s ON s.email = 'bench@example.com';

WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 10 FROM seq WHERE n < :count - 10)
INSERT INTO conversations (id, brand_id, channel_id, slug, subject, status, author_identity_id, origin, created_at,
    updated_at)
SELECT n / 10 + 1, b.id, c.id, 'growth-' || n, 'Question ' || n, 0, n + 1, 1, 1764000000000 + n, 1764000000000 + n
FROM seq JOIN brands b ON b.host_label = 'bench' JOIN channels c ON c.brand_id = b.id AND c.slug = 'support';
WITH RECURSIVE step(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM step WHERE k < 4)
INSERT INTO messages (conversation_id, body, visibility, sender_identity_id, sender_staff_id, created_at)
SELECT conv.id, 'Message ' || step.k || ' about ' || conv.slug, 0,
    CASE WHEN step.k % 2 = 0 THEN conv.author_identity_id END,
    CASE WHEN step.k % 2 = 1 THEN (SELECT id FROM staff WHERE email = 'bench@example.com') END,
    conv.created_at + step.k * 60000
FROM conversations conv CROSS JOIN step ORDER BY conv.id, step.k;

INSERT INTO contacts (id, account_id, name, sort_name, created_at, updated_at) VALUES
    (:count + 1, 1, 'Mover A', 'mover a', 1764100000000, 1764100000000),
    (:count + 2, 1, 'Mover B', 'mover b', 1764100000000, 1764100000000);
INSERT INTO identities (account_id, contact_id, type, identifier, match_key, attached_seq) VALUES
    (1, :count + 1, 'email', 'mover-a@example.com', 'mover-a@example.com', :count + 1),
    (1, :count + 2, 'email', 'mover-b@example.com', 'mover-b@example.com', :count + 2),
    (1, :count + 1, 'email', 'moving@example.com', 'moving@example.com', :count + 3);
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
