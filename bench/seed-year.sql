-- Seeds brand `bench` (after seed.sql) with a year of support history ending now, for make bench's knowledge-base,
-- template and report rows: 50,000 conversations of 5 messages (250,000 messages) by the contacts c0…c49999, each
-- a customer message, a staff answer, a customer follow-up, a second answer and a last customer message; 5,000
-- articles and 1,000 response templates. Written with SQL for speed, so the two answers' response times are set
-- here as the pattern defines them (the emulator computes them itself for messages stored through it).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TEMP TABLE plan AS
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 49999)
SELECT n,
    CAST(strftime('%s', 'now') AS INTEGER) * 1000 - (50000 - n) * 630720 AS opened,
    ((n * 7919) % 86400) * 1000 + 60000 AS first_wait,
    ((n * 104729) % 7200) * 1000 + 30000 AS second_wait
FROM seq;

INSERT INTO conversations (brand_id, channel_id, slug, subject, status, author_identity_id, assignee_id, origin,
    created_at, updated_at)
SELECT b.id, c.id, 'year-' || p.n, 'Question ' || p.n, (p.n % 5), p.n + 1, s.id, 1, p.opened, p.opened
FROM plan p
    JOIN brands b ON b.host_label = 'bench'
    JOIN channels c ON c.brand_id = b.id AND c.slug = 'support'
    JOIN staff s ON s.email = 'bench@example.com';

CREATE TEMP TABLE conversation_of AS
SELECT p.n, conv.id AS conversation_id, p.opened, p.first_wait, p.second_wait
FROM plan p JOIN conversations conv ON conv.slug = 'year-' || p.n;

INSERT INTO messages (conversation_id, body, visibility, sender_identity_id, sender_staff_id, created_at, response_ms)
SELECT conversation_id, 'Where is my order ' || n || '?', 0, n + 1, NULL, opened, NULL FROM conversation_of
UNION ALL
SELECT conversation_id, 'It ships today.', 0, NULL, (SELECT id FROM staff WHERE email = 'bench@example.com'),
    opened + first_wait, first_wait FROM conversation_of
UNION ALL
SELECT conversation_id, 'Thanks, and the tracking number?', 0, n + 1, NULL, opened + first_wait + 600000, NULL
FROM conversation_of
UNION ALL
SELECT conversation_id, 'It is in your email.', 0, NULL, (SELECT id FROM staff WHERE email = 'bench@example.com'),
    opened + first_wait + 600000 + second_wait, second_wait FROM conversation_of
UNION ALL
SELECT conversation_id, 'Got it.', 0, n + 1, NULL, opened + first_wait + 600000 + second_wait + 300000, NULL
FROM conversation_of;

WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 4999)
INSERT INTO articles (brand_id, author_id, title, body, slug, status, search_text, created_at, updated_at)
SELECT b.id, s.id, 'How do I use feature ' || n, 'Step by step: open settings, choose option ' || (n % 97) ||
    ', then save. Shipping, returns and refunds for item ' || n || '.', 'feature-' || n, n % 3,
    lower('How do I use feature ' || n || char(10) || 'Step by step: open settings, choose option ' || (n % 97) ||
    ', then save. Shipping, returns and refunds for item ' || n || '.'),
    CAST(strftime('%s', 'now') AS INTEGER) * 1000 - n * 6000000, CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM seq JOIN brands b ON b.host_label = 'bench' JOIN staff s ON s.email = 'bench@example.com';

WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 999)
INSERT INTO response_templates (brand_id, owner_id, name, sort_name, body, search_text, is_personal)
SELECT b.id, s.id, 'Template ' || n, 'template ' || n, 'Hello! About your request ' || n || ': it is done.',
    lower('Template ' || n || char(10) || 'Hello! About your request ' || n || ': it is done.'), n % 10 = 0
FROM seq JOIN brands b ON b.host_label = 'bench' JOIN staff s ON s.email = 'bench@example.com';
-- A conversation keeps its message count and summary messages on its row (the emulator sets them as it inserts a
-- message): set from the schema's view for the messages inserted here.
UPDATE conversations SET
    (message_count, first_message_id, last_customer_message_id, last_staff_message_id) = (SELECT
        s.message_count, s.first_message_id, s.last_customer_message_id, s.last_staff_message_id
        FROM conversation_summaries s WHERE s.conversation_id = conversations.id);
COMMIT;
PRAGMA optimize;
