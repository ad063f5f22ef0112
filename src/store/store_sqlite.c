/* store_sqlite.c -- the embedded store, on SQLite.
 *
 * One file per family (or ":memory:" for tests and fuzzing). WAL mode, so a
 * reader never blocks the writer; synchronous=NORMAL, which in WAL mode loses
 * nothing on a crash of the program and at most the last commits on a power
 * cut. Every statement is prepared once when the store opens. Every write of
 * one message is one IMMEDIATE transaction, so two processes on one file
 * cannot interleave half-messages; a busy file is waited on for 5 s.
 *
 * Exactly once (#11). Every change is keyed by the update that caused it,
 * and a retry or a second copy of that update, in this process or another,
 * finds the earlier effect in the file and answers from it, never acts again:
 *   - A message that recorded, undid or was edited is a row of `messages`,
 *     written in the same IMMEDIATE transaction as its effect, so its copy
 *     sees it before writing anything.
 *   - A removed feeding is never deleted or changed again: undo marks it
 *     `removed_by` the undo message; the Undo button marks it `removed_by` 0
 *     and `removed_press` the press. A redelivered undo or press reads the
 *     row it marked and answers the same feeding (or, finding none, nothing)
 *     whatever happened since: the feeding's age does not matter, and an
 *     edit deletes and inserts only its message's live rows. Only live rows
 *     are unique per (chat, message, line) -- a partial unique index -- so
 *     an undone line that the edited text still has comes back as a new
 *     live row beside the removed one, and the receipt of the undo stays.
 *     Schema 2 made it so; schema 1 deleted removed rows on an edit. (A
 *     receipts table holding copies of what each undo removed would do the
 *     same with a second copy of every removed row; here the row is its
 *     own receipt.) Removed rows are few, and every read skips them through
 *     partial indexes.
 *   - `milkbot chat` has no Telegram to number its messages: the store
 *     hands out ids from a per-chat counter (chats.last_message_id), raised
 *     above every id the chat used in one statement that holds the write
 *     lock before it reads, so two processes never get the same id.
 *   - Several processes may open a brand-new file at once. Switching it to
 *     WAL takes an exclusive lock that SQLite does not wait for, so the
 *     switch is retried with backoff for up to 10 s; the schema version is
 *     read again inside the IMMEDIATE transaction that migrates, so the
 *     first process migrates and the others find it done. A process opens
 *     the store only once the schema is complete, and a write it was told
 *     succeeded is committed in WAL mode: nothing acknowledged is lost.
 *
 * Schema (PRAGMA user_version counts the migrations applied):
 *   feedings  one row per feeding, with its family (the log it is in);
 *             removed ones stay, marked (see above). A bottle has an
 *             amount (1-1000 ml); a nursing session (#16, schema 7) has
 *             amount 0 and its sides ("L", "RL", "B"...) and minutes
 *             (each side's, and in all; 0 when not said)
 *   messages  the (chat, message) pairs that recorded, undid or were edited,
 *             so a redelivered message is recognised even after its
 *             feedings were undone, and a redelivered undo removes nothing
 *   families  each family's settings (the time zone, the babies' names,
 *             the units), each beside the stamp of the message that set it,
 *             noted at a family's first read; the deployment's family
 *             adopts the per-chat logs of schema 3 and before (their
 *             feedings have family '') whenever some are left
 *   chats     the last message id handed out to `milkbot chat`, per chat
 *             (and the per-chat zones of schema 3 and before)
 *   amendments  the corrections of amounts (and the Undo button presses
 *             that put them back), keyed by the update that made each, in
 *             the same transaction as the change: a correction delivered
 *             again finds its row and changes nothing more. Refusals are
 *             rows too (no feeding, another amount, a nursing session)
 *   schedules  what the bot says on its own (#17, schema 8): reminders,
 *             alerts and summaries, one row per (family, chat, kind,
 *             message id), each with the stamp of the message that set it
 *             last (set_by) and due_ms 0 when not due; the partial index
 *             schedules_due holds only the due ones, which is what a tick
 *             reads. A tick's claim is one conditional UPDATE naming its
 *             attempt (claim), so that the same attempt again finds its
 *             own name. One-off reminders said or stopped are forgotten
 *             STORE_SCHEDULE_KEEP_MS after their message (put_schedule)
 *   polls     `milkbot serve`'s place in getUpdates (#18, schema 9): per
 *             bot, the id of the last update it handled */
#include "store_sqlite.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Each entry migrates the schema from version i to i + 1. Never edit one
 * that has shipped: add the next. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE feedings ("
    "  id INTEGER PRIMARY KEY,"
    "  chat_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  at_local TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  amount_ml INTEGER NOT NULL CHECK (amount_ml BETWEEN 1 AND 1000),"
    "  kind TEXT NOT NULL CHECK (kind IN ('milk', 'formula', 'breastmilk')),"
    "  who TEXT NOT NULL,"
    "  note TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  entered_at_ms INTEGER NOT NULL,"
    "  removed_by INTEGER,"
    "  UNIQUE (chat_id, message_id, line));"
    "CREATE INDEX feedings_by_time ON feedings (chat_id, at_ms)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_entry ON feedings (chat_id, message_id, line)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_removed ON feedings (chat_id, removed_by)"
    "  WHERE removed_by IS NOT NULL;"
    "CREATE TABLE messages ("
    "  chat_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL,"
    "  PRIMARY KEY (chat_id, message_id)) WITHOUT ROWID;"
    "CREATE TABLE chats ("
    "  chat_id INTEGER PRIMARY KEY,"
    "  tz TEXT NOT NULL DEFAULT '');",

    /* 1 -> 2 (#11): removed rows are kept through edits, so only live rows
     * are unique per key (SQLite cannot drop a table's UNIQUE: the table is
     * copied); the Undo button's press is kept; chats count the message ids
     * handed out. */
    "CREATE TABLE feedings_2 ("
    "  id INTEGER PRIMARY KEY,"
    "  chat_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  at_local TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  amount_ml INTEGER NOT NULL CHECK (amount_ml BETWEEN 1 AND 1000),"
    "  kind TEXT NOT NULL CHECK (kind IN ('milk', 'formula', 'breastmilk')),"
    "  who TEXT NOT NULL,"
    "  note TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  entered_at_ms INTEGER NOT NULL,"
    "  removed_by INTEGER,"
    "  removed_press TEXT,"
    "  CHECK (removed_press IS NULL OR removed_by = 0));"
    "INSERT INTO feedings_2 (id, chat_id, message_id, line, at_ms, at_local,"
    "  day, amount_ml, kind, who, note, text, entered_at_ms, removed_by)"
    "  SELECT id, chat_id, message_id, line, at_ms, at_local, day, amount_ml,"
    "  kind, who, note, text, entered_at_ms, removed_by FROM feedings;"
    "DROP TABLE feedings;"
    "ALTER TABLE feedings_2 RENAME TO feedings;"
    "CREATE UNIQUE INDEX feedings_live ON feedings (chat_id, message_id, line)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_time ON feedings (chat_id, at_ms)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_removed ON feedings (chat_id, removed_by)"
    "  WHERE removed_by IS NOT NULL;"
    "CREATE INDEX feedings_by_press ON feedings (chat_id, removed_press)"
    "  WHERE removed_press IS NOT NULL;"
    "ALTER TABLE chats ADD COLUMN last_message_id INTEGER NOT NULL DEFAULT 0;"
    /* the edit_date of the edit a message's feedings come from, so that a
     * late copy of an older edit changes nothing */
    "ALTER TABLE messages ADD COLUMN edit_ms INTEGER NOT NULL DEFAULT 0;"
    /* the Undo button presses handled, so that one that found nothing
     * still finds nothing when delivered again, after an edit brought the
     * line back */
    "CREATE TABLE presses ("
    "  chat_id INTEGER NOT NULL,"
    "  press TEXT NOT NULL,"
    "  PRIMARY KEY (chat_id, press)) WITHOUT ROWID;",

    /* 2 -> 3 (#13): corrections ("make that 110") change a feeding's
     * amount in place; each change is a row keyed by the update that made
     * it -- "m<message id>" for a correction, "p<press id>" for the Undo
     * button that put one back -- so that the same update again finds it
     * and changes nothing more. */
    "CREATE TABLE amendments ("
    "  chat_id INTEGER NOT NULL,"
    "  by_key TEXT NOT NULL,"
    "  outcome INTEGER NOT NULL," /* STORE_AMEND_*: refusals are kept too */
    "  feeding_id INTEGER NOT NULL," /* 0: there was none */
    "  feeding_entered_ms INTEGER NOT NULL,"
    "  from_ml INTEGER NOT NULL,"
    "  to_ml INTEGER NOT NULL,"
    "  PRIMARY KEY (chat_id, by_key)) WITHOUT ROWID;",

    /* 3 -> 4 (#15): one log per family. Every feeding names its family
     * ('' until adopted, see adopt_legacy), its sender and when its
     * message was written (entry order across chats); a removed one, the
     * chat of the undo that removed it (undo and the feeding may be in
     * different chats). Before: a private chat's id is its user's (a
     * group's sender is not known: 0), and a message was written no later
     * than any feeding of it or of a later message of its chat was
     * entered, which keeps each chat's order. Settings are the family's. */
    "ALTER TABLE feedings ADD COLUMN family TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE feedings ADD COLUMN from_id INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE feedings ADD COLUMN sent_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE feedings ADD COLUMN removed_in INTEGER;"
    "UPDATE feedings SET from_id = chat_id WHERE chat_id > 0;"
    "UPDATE feedings SET removed_in = chat_id WHERE removed_by IS NOT NULL;"
    "UPDATE feedings SET sent_ms = later.sent FROM (SELECT id, min(entered_at_ms)"
    "  OVER (PARTITION BY chat_id ORDER BY message_id DESC) AS sent"
    "  FROM feedings) AS later WHERE later.id = feedings.id;"
    "DROP INDEX feedings_by_time;"
    "CREATE INDEX feedings_by_time ON feedings (family, at_ms)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_entry ON feedings (family, from_id, sent_ms,"
    "  chat_id, message_id, line) WHERE removed_by IS NULL;"
    "DROP INDEX feedings_removed;"
    "CREATE INDEX feedings_removed ON feedings (removed_in, removed_by)"
    "  WHERE removed_by IS NOT NULL;"
    "CREATE INDEX feedings_unadopted ON feedings (chat_id) WHERE family = '';"
    "CREATE TABLE families ("
    "  family TEXT PRIMARY KEY,"
    "  tz TEXT NOT NULL DEFAULT '') WITHOUT ROWID;",

    /* 4 -> 5 (#15): twins. A feeding names its baby ('' when the family
     * named none then); the family names its babies ("Mia,Leo"). */
    "ALTER TABLE feedings ADD COLUMN baby TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE families ADD COLUMN babies TEXT NOT NULL DEFAULT '';",

    /* 5 -> 6 (#15): each setting keeps the message that set it
     * (store_stamp), so that an older one delivered again changes
     * nothing. */
    "ALTER TABLE families ADD COLUMN tz_by TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE families ADD COLUMN babies_by TEXT NOT NULL DEFAULT '';",

    /* 6 -> 7 (#16): nursing sessions, which have sides and minutes and no
     * amount, and the family's units. The checks on amount_ml and kind
     * cannot be changed in place: the table is copied, every row with its
     * id, and its indexes made again as schema 6 had them. A bottle keeps
     * an amount of at least 1 ml and has no sides or minutes; a session
     * has amount 0. */
    "CREATE TABLE feedings_7 ("
    "  id INTEGER PRIMARY KEY,"
    "  chat_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  at_local TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  amount_ml INTEGER NOT NULL CHECK (amount_ml BETWEEN 0 AND 1000),"
    "  kind TEXT NOT NULL"
    "    CHECK (kind IN ('milk', 'formula', 'breastmilk', 'nursing')),"
    "  who TEXT NOT NULL,"
    "  note TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  entered_at_ms INTEGER NOT NULL,"
    "  removed_by INTEGER,"
    "  removed_press TEXT,"
    "  family TEXT NOT NULL DEFAULT '',"
    "  from_id INTEGER NOT NULL DEFAULT 0,"
    "  sent_ms INTEGER NOT NULL DEFAULT 0,"
    "  removed_in INTEGER,"
    "  baby TEXT NOT NULL DEFAULT '',"
    /* "L", "RL", "LRL"... (up to 7, in the order nursed), "B", or "" */
    "  sides TEXT NOT NULL DEFAULT '' CHECK (sides = 'B' OR"
    "    (length(sides) <= 7 AND sides NOT GLOB '*[^LR]*')),"
    "  left_min INTEGER NOT NULL DEFAULT 0 CHECK (left_min BETWEEN 0 AND 600),"
    "  right_min INTEGER NOT NULL DEFAULT 0 CHECK (right_min BETWEEN 0 AND 600),"
    "  minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 600),"
    "  CHECK (removed_press IS NULL OR removed_by = 0),"
    "  CHECK (CASE WHEN kind = 'nursing' THEN amount_ml = 0 ELSE amount_ml >= 1"
    "    AND sides = '' AND left_min = 0 AND right_min = 0 AND minutes = 0 END));"
    "INSERT INTO feedings_7 (id, chat_id, message_id, line, at_ms, at_local,"
    "  day, amount_ml, kind, who, note, text, entered_at_ms, removed_by,"
    "  removed_press, family, from_id, sent_ms, removed_in, baby)"
    "  SELECT id, chat_id, message_id, line, at_ms, at_local, day, amount_ml,"
    "  kind, who, note, text, entered_at_ms, removed_by, removed_press, family,"
    "  from_id, sent_ms, removed_in, baby FROM feedings;"
    "DROP TABLE feedings;"
    "ALTER TABLE feedings_7 RENAME TO feedings;"
    "CREATE UNIQUE INDEX feedings_live ON feedings (chat_id, message_id, line)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_press ON feedings (chat_id, removed_press)"
    "  WHERE removed_press IS NOT NULL;"
    "CREATE INDEX feedings_by_time ON feedings (family, at_ms)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_entry ON feedings (family, from_id, sent_ms,"
    "  chat_id, message_id, line) WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_removed ON feedings (removed_in, removed_by)"
    "  WHERE removed_by IS NOT NULL;"
    "CREATE INDEX feedings_unadopted ON feedings (chat_id) WHERE family = '';"
    "ALTER TABLE families ADD COLUMN units TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE families ADD COLUMN units_by TEXT NOT NULL DEFAULT '';",

    /* 7 -> 8 (#17): schedules. due_ms 0: not due (the index holds only
     * the due ones); set_by: the stamp of the message that set it last;
     * claim: the tick attempt that last moved it; stopped_by: the "stop
     * reminders" message that stopped it while it was due, so that the
     * same message again counts it again. */
    "CREATE TABLE schedules ("
    "  family TEXT NOT NULL,"
    "  chat_id INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),"
    "  message_id INTEGER NOT NULL,"
    "  due_ms INTEGER NOT NULL DEFAULT 0 CHECK (due_ms >= 0),"
    "  every_min INTEGER NOT NULL DEFAULT 0,"
    "  hour INTEGER NOT NULL DEFAULT 0,"
    "  minute INTEGER NOT NULL DEFAULT 0,"
    "  last_ms INTEGER NOT NULL DEFAULT 0,"
    "  set_ms INTEGER NOT NULL DEFAULT 0,"
    "  set_by TEXT NOT NULL,"
    "  claim TEXT NOT NULL DEFAULT '',"
    "  stopped_by TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (family, chat_id, kind, message_id)) WITHOUT ROWID;"
    "CREATE INDEX schedules_due ON schedules (due_ms) WHERE due_ms > 0;"
    /* one-off reminders said or stopped, to forget */
    "CREATE INDEX schedules_done ON schedules (set_ms)"
    "  WHERE kind = 1 AND due_ms = 0;",

    /* 8 -> 9 (#18): where `milkbot serve` is in each bot's updates */
    "CREATE TABLE polls ("
    "  bot_id INTEGER PRIMARY KEY,"
    "  last_update_id INTEGER NOT NULL);",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

#define COLUMNS                                                                \
    "chat_id, message_id, line, at_ms, at_local, day, amount_ml, kind, "  \
    "who, note, text, entered_at_ms, from_id, sent_ms, baby, sides, "     \
    "left_min, right_min, minutes"
/* the columns after COLUMNS in ST_FEEDING_BY_ID and ST_NEWEST_ENTRY */
#define COL_ID 19
#define COL_REMOVED 20

/* A schedule's columns, in the order read_schedule reads them. */
#define SCHEDULE_COLUMNS                                                       \
    "family, chat_id, kind, message_id, due_ms, every_min, hour, minute, "     \
    "last_ms, set_ms, set_by"

/* Entry order (store_entry_cmp), and the sender's newest live entry:
 * family ?3, sender ?4. */
#define ENTRY_ORDER "sent_ms, chat_id, message_id, line"
#define ENTRY_ORDER_DESC "sent_ms DESC, chat_id DESC, message_id DESC, line DESC"
#define NEWEST_ENTRY_ID                                                        \
    "SELECT id FROM feedings WHERE family = ?3 AND from_id = ?4 AND "          \
    "removed_by IS NULL ORDER BY " ENTRY_ORDER_DESC " LIMIT 1"

/* A setting by stamp `new` (store_stamp) replaces the one by `old` unless
 * `old`'s message was written later: in a later second, or in the same
 * second, later in the same chat. */
#define NOT_STALE(new, old)                                                    \
    "(substr(" new ", 1, 15) > substr(" old ", 1, 15) OR (substr(" new        \
    ", 1, 15) = substr(" old ", 1, 15) AND (substr(" new ", 17, 20) <> "      \
    "substr(" old ", 17, 20) OR substr(" new ", 38) >= substr(" old ", 38))))"

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_MARK_MESSAGE,
    ST_EDIT_CLAIM,
    ST_MARK_PRESS,
    ST_MESSAGE_FEEDINGS,
    ST_INSERT,
    ST_RANGE,
    ST_LATEST,
    ST_UNDONE_BY,
    ST_UNDO,
    ST_REMOVE,
    ST_REMOVED_BY_PRESS,
    ST_DELETE_MESSAGE,
    ST_GET_SETTINGS,
    ST_SET_TZ,
    ST_SET_BABIES,
    ST_SET_UNITS,
    ST_ANY_UNADOPTED,
    ST_ADOPT_FEEDINGS,
    ST_ADOPT_TZ,
    ST_ADD_FAMILY,
    ST_NEXT_MESSAGE,
    ST_AMENDMENT,
    ST_FEEDING_BY_ID,
    ST_NEWEST_ENTRY,
    ST_SET_AMOUNT,
    ST_ADD_AMENDMENT,
    ST_FORGET_SCHEDULES,
    ST_PUT_SCHEDULE_ONCE,
    ST_PUT_SCHEDULE,
    ST_SCHEDULE_BY,
    ST_STOP_REMINDERS,
    ST_STOP_MARK,
    ST_COUNT_STOPPED,
    ST_LIST_SCHEDULES,
    ST_DUE_SCHEDULES,
    ST_CLAIM_SCHEDULE,
    ST_CLAIM_OF,
    ST_MOVE_SCHEDULES,
    ST_DROP_MOVED,
    ST_GET_OFFSET,
    ST_SET_OFFSET,
    ST_COUNT
};

static const char *const statements[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT op",
    [ST_RELEASE] = "RELEASE op",
    [ST_ROLLBACK_TO] = "ROLLBACK TO op",
    [ST_MARK_PRESS] = "INSERT INTO presses (chat_id, press) VALUES (?1, ?2) "
                      "ON CONFLICT DO NOTHING",
    [ST_EDIT_CLAIM] = "INSERT INTO messages (chat_id, message_id, edit_ms) "
                      "VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET "
                      "edit_ms = max(edit_ms, excluded.edit_ms) "
                      "WHERE excluded.edit_ms = 0 OR edit_ms <= excluded.edit_ms "
                      "RETURNING edit_ms",
    [ST_MARK_MESSAGE] = "INSERT INTO messages (chat_id, message_id) "
                        "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ST_MESSAGE_FEEDINGS] = "SELECT " COLUMNS " FROM feedings WHERE "
                            "chat_id = ?1 AND message_id = ?2 AND "
                            "removed_by IS NULL ORDER BY line",
    [ST_INSERT] = "INSERT INTO feedings (chat_id, message_id, line, at_ms, "
                  "at_local, day, amount_ml, kind, who, note, text, "
                  "entered_at_ms, from_id, sent_ms, family, baby, sides, "
                  "left_min, right_min, minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                  "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
                  "?20)",
    [ST_RANGE] = "SELECT " COLUMNS " FROM feedings WHERE family = ?1 AND "
                 "at_ms >= ?2 AND at_ms < ?3 AND removed_by IS NULL "
                 "ORDER BY at_ms, " ENTRY_ORDER,
    [ST_LATEST] = "SELECT " COLUMNS " FROM feedings WHERE family = ?1 AND "
                  "at_ms < ?2 AND removed_by IS NULL "
                  "ORDER BY at_ms DESC, " ENTRY_ORDER_DESC " LIMIT 1",
    /* an undo message is (removed_in, removed_by) */
    [ST_UNDONE_BY] = "SELECT " COLUMNS " FROM feedings WHERE removed_in = ?1 "
                     "AND removed_by = ?2 LIMIT 1",
    [ST_UNDO] = "UPDATE feedings SET removed_by = ?2, removed_in = ?1 WHERE "
                "id = (" NEWEST_ENTRY_ID ") RETURNING " COLUMNS,
    [ST_REMOVE] = "UPDATE feedings SET removed_by = 0, removed_press = ?4 "
                  "WHERE chat_id = ?1 AND message_id = ?2 AND line = ?3 AND "
                  "removed_by IS NULL RETURNING " COLUMNS,
    [ST_REMOVED_BY_PRESS] = "SELECT " COLUMNS " FROM feedings WHERE "
                            "chat_id = ?1 AND removed_press = ?4 AND "
                            "message_id = ?2 AND line = ?3",
    /* only the live rows: removed ones are the receipts of their undo */
    [ST_DELETE_MESSAGE] = "DELETE FROM feedings WHERE chat_id = ?1 AND "
                          "message_id = ?2 AND removed_by IS NULL",
    [ST_GET_SETTINGS] = "SELECT tz, babies, units FROM families WHERE family = ?1",
    [ST_SET_TZ] = "INSERT INTO families (family, tz, tz_by) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (family) DO UPDATE SET tz = excluded.tz, "
                  "tz_by = excluded.tz_by WHERE " NOT_STALE("excluded.tz_by", "tz_by"),
    [ST_SET_BABIES] = "INSERT INTO families (family, babies, babies_by) VALUES (?1, ?2, "
                      "?3) ON CONFLICT (family) DO UPDATE SET babies = "
                      "excluded.babies, babies_by = excluded.babies_by WHERE "
                      NOT_STALE("excluded.babies_by", "babies_by"),
    [ST_SET_UNITS] = "INSERT INTO families (family, units, units_by) VALUES (?1, ?2, "
                     "?3) ON CONFLICT (family) DO UPDATE SET units = "
                     "excluded.units, units_by = excluded.units_by WHERE "
                     NOT_STALE("excluded.units_by", "units_by"),
    /* through the partial index feedings_unadopted */
    [ST_ANY_UNADOPTED] = "SELECT EXISTS (SELECT 1 FROM feedings WHERE family = '')",
    [ST_ADOPT_FEEDINGS] = "UPDATE feedings SET family = ?1 WHERE family = ''",
    /* the zone of the chat that recorded last, unless the family chose one */
    [ST_ADOPT_TZ] = "INSERT INTO families (family, tz) SELECT ?1, tz FROM "
                    "chats WHERE tz <> '' ORDER BY (SELECT max(entered_at_ms) "
                    "FROM feedings WHERE feedings.chat_id = chats.chat_id) "
                    "DESC NULLS LAST LIMIT 1 ON CONFLICT (family) DO UPDATE SET "
                    "tz = excluded.tz WHERE tz = ''",
    [ST_ADD_FAMILY] = "INSERT INTO families (family) VALUES (?1) "
                      "ON CONFLICT DO NOTHING",
    /* one statement, so SQLite holds the write lock before it reads */
    [ST_NEXT_MESSAGE] = "INSERT INTO chats (chat_id, last_message_id) "
                        "SELECT ?1, coalesce(max(message_id), 0) + 1 FROM "
                        "messages WHERE chat_id = ?1 ON CONFLICT (chat_id) DO "
                        "UPDATE SET last_message_id = max(last_message_id + 1, "
                        "excluded.last_message_id) RETURNING last_message_id",
    [ST_AMENDMENT] = "SELECT outcome, feeding_id, feeding_entered_ms, from_ml, "
                     "to_ml FROM amendments "
                     "WHERE chat_id = ?1 AND by_key = ?2",
    /* the row id and whether it is removed come after COLUMNS */
    [ST_FEEDING_BY_ID] = "SELECT " COLUMNS ", id, removed_by IS NOT NULL "
                         "FROM feedings WHERE id = ?1",
    /* what ST_UNDO would take */
    [ST_NEWEST_ENTRY] = "SELECT " COLUMNS ", id, 0 FROM feedings WHERE "
                        "id = (" NEWEST_ENTRY_ID ")",
    [ST_SET_AMOUNT] = "UPDATE feedings SET amount_ml = ?2 WHERE id = ?1",
    [ST_ADD_AMENDMENT] = "INSERT INTO amendments (chat_id, by_key, outcome, "
                         "feeding_id, feeding_entered_ms, from_ml, to_ml) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* through the partial index schedules_done */
    [ST_FORGET_SCHEDULES] = "DELETE FROM schedules WHERE kind = 1 AND due_ms = 0 "
                            "AND set_ms < ?1",
    /* a one-off reminder is set once: its message again changes nothing */
    /* a one-off reminder: once, and not when the chat's reminders were
     * stopped after its message (the stop's mark: the chat's repeating
     * reminder, not due, set by a later message) */
    [ST_PUT_SCHEDULE_ONCE] = "INSERT INTO schedules (" SCHEDULE_COLUMNS ") "
                             "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 "
                             "WHERE NOT EXISTS (SELECT 1 FROM schedules WHERE "
                             "family = ?1 AND chat_id = ?2 AND kind = 2 AND "
                             "message_id = 0 AND due_ms = 0 AND set_by <> ?11 AND "
                             NOT_STALE("set_by", "?11") ") "
                             "ON CONFLICT DO NOTHING",
    /* the others under set_tz's rule */
    [ST_PUT_SCHEDULE] = "INSERT INTO schedules (" SCHEDULE_COLUMNS ") VALUES "
                        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                        "ON CONFLICT DO UPDATE SET due_ms = excluded.due_ms, "
                        "every_min = excluded.every_min, hour = excluded.hour, "
                        "minute = excluded.minute, last_ms = excluded.last_ms, "
                        "set_ms = excluded.set_ms, set_by = excluded.set_by, "
                        "claim = '', stopped_by = '' WHERE "
                        "set_by <> excluded.set_by AND "
                        NOT_STALE("excluded.set_by", "set_by"),
    [ST_SCHEDULE_BY] = "SELECT set_by FROM schedules WHERE family = ?1 AND "
                       "chat_id = ?2 AND kind = ?3 AND message_id = ?4",
    /* the chat's reminders set before message ?3 (the values are the
     * row's as it was: stopped_by names the stop only if it was due) */
    [ST_STOP_REMINDERS] = "UPDATE schedules SET due_ms = 0, set_by = ?3, "
                          "stopped_by = CASE WHEN due_ms > 0 THEN ?3 ELSE '' END "
                          "WHERE family = ?1 AND chat_id = ?2 AND kind IN (1, 2) "
                          "AND set_by <> ?3 AND " NOT_STALE("?3", "set_by"),
    /* the stop's mark, when the chat had no repeating reminder: an older
     * "remind every" or "remind me in" handled later finds it */
    [ST_STOP_MARK] = "INSERT INTO schedules (" SCHEDULE_COLUMNS ") VALUES "
                     "(?1, ?2, 2, 0, 0, 0, 0, 0, 0, 0, ?3) ON CONFLICT DO NOTHING",
    [ST_COUNT_STOPPED] = "SELECT count(*) FROM schedules WHERE family = ?1 AND "
                         "chat_id = ?2 AND kind IN (1, 2) AND stopped_by = ?3",
    [ST_LIST_SCHEDULES] = "SELECT " SCHEDULE_COLUMNS " FROM schedules WHERE "
                          "family = ?1 AND (?2 = 0 OR chat_id = ?2) "
                          "ORDER BY (kind = 1 AND due_ms = 0), kind, message_id, "
                          "chat_id LIMIT ?3",
    /* through the partial index schedules_due */
    [ST_DUE_SCHEDULES] = "SELECT " SCHEDULE_COLUMNS " FROM schedules WHERE "
                         "due_ms > 0 AND due_ms <= ?1 ORDER BY due_ms, family, "
                         "chat_id, kind, message_id LIMIT ?2",
    [ST_CLAIM_SCHEDULE] = "UPDATE schedules SET due_ms = ?7, last_ms = ?8, "
                          "claim = ?9 WHERE family = ?1 AND chat_id = ?2 AND "
                          "kind = ?3 AND message_id = ?4 AND due_ms = ?5 AND "
                          "set_by = ?6",
    [ST_CLAIM_OF] = "SELECT claim, due_ms FROM schedules WHERE family = ?1 AND "
                    "chat_id = ?2 AND kind = ?3 AND message_id = ?4",
    /* a chat's new id (a group upgraded to a supergroup): its schedules,
     * as they are, under the new id, unless the new chat set its own */
    [ST_MOVE_SCHEDULES] = "INSERT INTO schedules (family, chat_id, kind, message_id, "
                          "due_ms, every_min, hour, minute, last_ms, set_ms, set_by, "
                          "claim, stopped_by) SELECT family, ?3, kind, message_id, "
                          "due_ms, every_min, hour, minute, last_ms, set_ms, set_by, "
                          "claim, stopped_by FROM schedules WHERE family = ?1 AND "
                          "chat_id = ?2 ON CONFLICT DO NOTHING",
    [ST_DROP_MOVED] = "DELETE FROM schedules WHERE family = ?1 AND chat_id = ?2",
    [ST_GET_OFFSET] = "SELECT last_update_id FROM polls WHERE bot_id = ?1",
    [ST_SET_OFFSET] = "INSERT INTO polls (bot_id, last_update_id) VALUES (?1, ?2) "
                      "ON CONFLICT (bot_id) DO UPDATE SET "
                      "last_update_id = excluded.last_update_id",
};

typedef struct {
    store base;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int old_logs_checked; /* adopt_legacy found none left (or adopted) */
    int in_update;        /* between begin_update and end_update */
} sqlite_store;

static sqlite_store *impl(store *s) { return (sqlite_store *)s; }

static int fail(sqlite_store *s, const char *doing, char *err) {
    snprintf(err, STORE_ERR_MAX, "store: %s: %s", doing, sqlite3_errmsg(s->db));
    return STORE_ERROR;
}

static int fail_with(char *err, const char *message) {
    snprintf(err, STORE_ERR_MAX, "%s", message);
    return STORE_ERROR;
}

/* Runs a statement that returns no rows, then resets it. */
static int run(sqlite_store *s, int id) {
    int rc = sqlite3_step(s->st[id]);
    sqlite3_reset(s->st[id]);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* What a write inside an update, or the update's end, says when an I/O
 * error had already rolled the update's transaction back. */
#define UPDATE_LOST "store: the update's transaction was lost to an earlier error"

/* Inside an update (begin_update), a write may not be saved on its own:
 * an I/O error or a full disk may have rolled the update's transaction
 * back, and what follows would then be saved without it. Every write
 * checks first. */
static int update_lost(sqlite_store *s, char *err) {
    if (!s->in_update || !sqlite3_get_autocommit(s->db)) return 0;
    fail_with(err, UPDATE_LOST);
    return 1;
}

/* Every write is one transaction: its own, or inside an update's
 * (begin_update) a savepoint, so that a failure undoes only itself. */
static int begin(sqlite_store *s, char *err) {
    if (!s->in_update)
        return run(s, ST_BEGIN) == SQLITE_OK ? STORE_OK
                                             : fail(s, "starting a transaction", err);
    if (update_lost(s, err)) return STORE_ERROR;
    return run(s, ST_SAVEPOINT) == SQLITE_OK ? STORE_OK
                                             : fail(s, "starting a savepoint", err);
}

static void roll_back(sqlite_store *s) {
    if (!s->in_update) {
        run(s, ST_ROLLBACK);
        return;
    }
    run(s, ST_ROLLBACK_TO);
    run(s, ST_RELEASE);
}

static int commit(sqlite_store *s, char *err) {
    if (run(s, s->in_update ? ST_RELEASE : ST_COMMIT) == SQLITE_OK) return STORE_OK;
    fail(s, "saving", err);
    roll_back(s);
    return STORE_ERROR;
}

/* Undoes the open transaction after `doing` failed; returns STORE_ERROR. */
static int abandon(sqlite_store *s, const char *doing, char *err) {
    fail(s, doing, err);
    roll_back(s);
    return STORE_ERROR;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col) {
    const unsigned char *text = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", text ? (const char *)text : "");
}

/* The current row (in COLUMNS order) as a feeding. */
static void read_row(sqlite3_stmt *st, store_feeding *f) {
    f->chat_id = sqlite3_column_int64(st, 0);
    f->message_id = sqlite3_column_int64(st, 1);
    f->line = sqlite3_column_int(st, 2);
    f->at_ms = sqlite3_column_int64(st, 3);
    copy_text(f->at, sizeof f->at, st, 4);
    copy_text(f->day, sizeof f->day, st, 5);
    f->amount_ml = sqlite3_column_int(st, 6);
    const unsigned char *kind = sqlite3_column_text(st, 7);
    if (kind == NULL || store_kind_from_name((const char *)kind, &f->kind) != 0)
        f->kind = PHRASE_MILK;
    copy_text(f->who, sizeof f->who, st, 8);
    copy_text(f->note, sizeof f->note, st, 9);
    copy_text(f->text, sizeof f->text, st, 10);
    f->entered_at_ms = sqlite3_column_int64(st, 11);
    f->from_id = sqlite3_column_int64(st, 12);
    f->sent_ms = sqlite3_column_int64(st, 13);
    copy_text(f->baby, sizeof f->baby, st, 14);
    copy_text(f->sides, sizeof f->sides, st, 15);
    f->left_min = sqlite3_column_int(st, 16);
    f->right_min = sqlite3_column_int(st, 17);
    f->minutes = sqlite3_column_int(st, 18);
}

/* Steps a query that returns at most one row. Returns SQLITE_ROW (row in
 * *f), SQLITE_DONE (none) or an error code; the statement is reset. */
static int one_row(sqlite3_stmt *st, store_feeding *f) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_row(st, f);
        /* RETURNING deletes happen when the statement runs to completion */
        int done = sqlite3_step(st);
        if (done != SQLITE_DONE) rc = done;
    }
    sqlite3_reset(st);
    return rc;
}

/* Appends every row of a query to *out; resets the statement. */
static int all_rows(sqlite3_stmt *st, store_list *out) {
    int rc;
    store_feeding f;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &f);
        if (store_list_push(out, &f) != STORE_OK) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int insert_feedings(sqlite_store *s, const char *family,
                           const store_feeding *feeds, size_t n) {
    sqlite3_stmt *st = s->st[ST_INSERT];
    for (size_t i = 0; i < n; i++) {
        const store_feeding *f = &feeds[i];
        sqlite3_bind_int64(st, 1, f->chat_id);
        sqlite3_bind_int64(st, 2, f->message_id);
        sqlite3_bind_int(st, 3, f->line);
        sqlite3_bind_int64(st, 4, f->at_ms);
        sqlite3_bind_text(st, 5, f->at, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, f->day, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, f->amount_ml);
        sqlite3_bind_text(st, 8, store_kind_name(f->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, f->who, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, f->note, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, f->text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 12, f->entered_at_ms);
        sqlite3_bind_int64(st, 13, f->from_id);
        sqlite3_bind_int64(st, 14, f->sent_ms);
        sqlite3_bind_text(st, 15, family, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 16, f->baby, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 17, f->sides, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 18, f->left_min);
        sqlite3_bind_int(st, 19, f->right_min);
        sqlite3_bind_int(st, 20, f->minutes);
        int rc = sqlite3_step(st);
        sqlite3_clear_bindings(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return rc;
    }
    return SQLITE_OK;
}

static int mark_message(sqlite_store *s, int64_t chat_id, int64_t message_id,
                        int *is_new) {
    sqlite3_bind_int64(s->st[ST_MARK_MESSAGE], 1, chat_id);
    sqlite3_bind_int64(s->st[ST_MARK_MESSAGE], 2, message_id);
    int rc = run(s, ST_MARK_MESSAGE);
    if (rc == SQLITE_OK && is_new) *is_new = sqlite3_changes(s->db) > 0;
    return rc;
}

static int sqlite_add_message(store *base, const char *family,
                              store_feeding *feeds, size_t *n, int *already,
                              char *err) {
    sqlite_store *s = impl(base);
    *already = 0;
    if (*n == 0) return STORE_OK;
    int64_t chat_id = feeds[0].chat_id, message_id = feeds[0].message_id;
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    int is_new;
    if (mark_message(s, chat_id, message_id, &is_new) != SQLITE_OK)
        return abandon(s, "recording a message", err);
    if (!is_new) {
        /* A redelivery: answer with what the message recorded then. */
        store_list was = {0};
        sqlite3_stmt *st = s->st[ST_MESSAGE_FEEDINGS];
        sqlite3_bind_int64(st, 1, chat_id);
        sqlite3_bind_int64(st, 2, message_id);
        int rc = all_rows(st, &was);
        if (rc != SQLITE_OK) {
            store_list_free(&was);
            return abandon(s, "reading a message's feedings", err);
        }
        size_t keep = was.count < STORE_MESSAGE_MAX_FEEDINGS
                          ? was.count
                          : STORE_MESSAGE_MAX_FEEDINGS;
        if (keep) memcpy(feeds, was.items, keep * sizeof *feeds);
        *n = keep;
        *already = 1;
        store_list_free(&was);
        return commit(s, err);
    }
    if (insert_feedings(s, family, feeds, *n) != SQLITE_OK)
        return abandon(s, "recording a feeding", err);
    return commit(s, err);
}

static int sqlite_list_range(store *base, const char *family, int64_t from_ms,
                             int64_t to_ms, store_list *out, char *err) {
    sqlite_store *s = impl(base);
    sqlite3_stmt *st = s->st[ST_RANGE];
    sqlite3_bind_text(st, 1, family, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    return all_rows(st, out) == SQLITE_OK ? STORE_OK
                                          : fail(s, "listing feedings", err);
}

static int sqlite_latest_before(store *base, const char *family,
                                int64_t before_ms, store_feeding *out,
                                int *found, char *err) {
    sqlite_store *s = impl(base);
    sqlite3_stmt *st = s->st[ST_LATEST];
    sqlite3_bind_text(st, 1, family, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, before_ms);
    int rc = one_row(st, out);
    *found = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? STORE_OK
               : fail(s, "finding the last feeding", err);
}

static int sqlite_undo_last(store *base, const char *family, int64_t chat_id,
                            int64_t message_id, int64_t from_id,
                            store_feeding *removed, int *found, char *err) {
    sqlite_store *s = impl(base);
    int is_new;
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    if (mark_message(s, chat_id, message_id, &is_new) != SQLITE_OK)
        return abandon(s, "undoing", err);
    /* a redelivered undo: what it removed then, or nothing if it found
     * nothing then; never one more */
    sqlite3_stmt *st = s->st[is_new ? ST_UNDO : ST_UNDONE_BY];
    sqlite3_bind_int64(st, 1, chat_id);
    sqlite3_bind_int64(st, 2, message_id);
    if (is_new) {
        sqlite3_bind_text(st, 3, family, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, from_id);
    }
    int rc = one_row(st, removed);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return abandon(s, "undoing", err);
    *found = rc == SQLITE_ROW;
    return commit(s, err);
}

static int sqlite_remove(store *base, const char *family, int64_t chat_id,
                         int64_t message_id, int line, int64_t at_ms,
                         const char *press, store_feeding *removed, int *found,
                         char *err) {
    sqlite_store *s = impl(base);
    /* (chat, message, line) is an index here, and names one feeding
     * whatever the family */
    (void)family;
    (void)at_ms;
    int keyed = press != NULL && press[0] != '\0'; /* "": no press to know */
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    /* a press seen before removes nothing now: it answers with what it
     * removed then, or nothing (it found the feeding gone) */
    int seen = 0;
    if (keyed) {
        sqlite3_bind_int64(s->st[ST_MARK_PRESS], 1, chat_id);
        sqlite3_bind_text(s->st[ST_MARK_PRESS], 2, press, -1, SQLITE_STATIC);
        int mark = run(s, ST_MARK_PRESS);
        sqlite3_clear_bindings(s->st[ST_MARK_PRESS]);
        if (mark != SQLITE_OK) return abandon(s, "removing a feeding", err);
        seen = sqlite3_changes(s->db) == 0;
    }
    int rc = SQLITE_DONE;
    for (int i = keyed ? 0 : 1; i < (seen ? 1 : 2) && rc == SQLITE_DONE; i++) {
        /* first what this press removed before (a redelivery), whatever
         * has happened since; then the feeding, if it is still there */
        sqlite3_stmt *st = s->st[i == 0 ? ST_REMOVED_BY_PRESS : ST_REMOVE];
        sqlite3_bind_int64(st, 1, chat_id);
        sqlite3_bind_int64(st, 2, message_id);
        sqlite3_bind_int(st, 3, line);
        if (keyed) sqlite3_bind_text(st, 4, press, -1, SQLITE_STATIC);
        else sqlite3_bind_null(st, 4);
        rc = one_row(st, removed);
        sqlite3_clear_bindings(st);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return abandon(s, "removing a feeding", err);
    *found = rc == SQLITE_ROW;
    return commit(s, err);
}

/* Marks message `message_id` as edited at `edit_ms` unless an edit made
 * later was applied: then *stale = 1. An edit of unknown time (0) is
 * applied and changes no time. */
static int claim_edit(sqlite_store *s, int64_t chat_id, int64_t message_id,
                      int64_t edit_ms, int *stale) {
    sqlite3_stmt *st = s->st[ST_EDIT_CLAIM];
    sqlite3_bind_int64(st, 1, chat_id);
    sqlite3_bind_int64(st, 2, message_id);
    sqlite3_bind_int64(st, 3, edit_ms);
    int rc = sqlite3_step(st);
    *stale = rc == SQLITE_DONE; /* no row: the WHERE kept a later edit */
    if (rc == SQLITE_ROW) rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int sqlite_replace_message(store *base, const char *family,
                                  int64_t chat_id, int64_t message_id,
                                  int64_t edit_ms,
                                  const store_feeding *feeds, size_t n,
                                  store_list *old, int *stale, char *err) {
    sqlite_store *s = impl(base);
    store_feeding copy[STORE_MESSAGE_MAX_FEEDINGS];
    if (n > STORE_MESSAGE_MAX_FEEDINGS) {
        snprintf(err, STORE_ERR_MAX, "store: too many feedings in one message");
        return STORE_ERROR;
    }
    if (n) memcpy(copy, feeds, n * sizeof *feeds);
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *st = s->st[ST_MESSAGE_FEEDINGS];
    sqlite3_bind_int64(st, 1, chat_id);
    sqlite3_bind_int64(st, 2, message_id);
    if (all_rows(st, old) != SQLITE_OK)
        return abandon(s, "reading a message's feedings", err);
    int late;
    if (claim_edit(s, chat_id, message_id, edit_ms, &late) != SQLITE_OK)
        return abandon(s, "recording an edit", err);
    if (stale) *stale = late;
    if (late) return commit(s, err); /* a later edit stands */
    sqlite3_bind_int64(s->st[ST_DELETE_MESSAGE], 1, chat_id);
    sqlite3_bind_int64(s->st[ST_DELETE_MESSAGE], 2, message_id);
    if (run(s, ST_DELETE_MESSAGE) != SQLITE_OK ||
        insert_feedings(s, family, copy, n) != SQLITE_OK)
        return abandon(s, "replacing a message's feedings", err);
    return commit(s, err);
}

/* --- corrections ----------------------------------------------------------- */

typedef struct {
    int found, outcome;       /* outcome: STORE_AMEND_* it answered */
    int64_t feeding_id;       /* 0: none (nothing to change) */
    int64_t feeding_entered;  /* the row's entered_at_ms then: an edit
                                 makes a new row, perhaps with the old id */
    int from_ml, to_ml;
} amendment;

/* The amendment made by update `key` ("m<message>", "p<press>"), if any. */
static int read_amendment(sqlite_store *s, int64_t chat_id, const char *key,
                          amendment *a) {
    sqlite3_stmt *st = s->st[ST_AMENDMENT];
    sqlite3_bind_int64(st, 1, chat_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    memset(a, 0, sizeof *a);
    if (rc == SQLITE_ROW) {
        a->found = 1;
        a->outcome = sqlite3_column_int(st, 0);
        a->feeding_id = sqlite3_column_int64(st, 1);
        a->feeding_entered = sqlite3_column_int64(st, 2);
        a->from_ml = sqlite3_column_int(st, 3);
        a->to_ml = sqlite3_column_int(st, 4);
        rc = SQLITE_DONE;
    }
    sqlite3_clear_bindings(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Keeps what update `key` did (a->outcome, and the feeding it concerned). */
static int keep_amendment(sqlite_store *s, int64_t chat_id, const char *key,
                          const amendment *a) {
    sqlite3_stmt *st = s->st[ST_ADD_AMENDMENT];
    sqlite3_bind_int64(st, 1, chat_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, a->outcome);
    sqlite3_bind_int64(st, 4, a->feeding_id);
    sqlite3_bind_int64(st, 5, a->feeding_entered);
    sqlite3_bind_int(st, 6, a->from_ml);
    sqlite3_bind_int(st, 7, a->to_ml);
    int rc = run(s, ST_ADD_AMENDMENT);
    sqlite3_clear_bindings(st);
    return rc;
}

/* One feeding row with its id and whether it is removed (ST_FEEDING_BY_ID,
 * ST_NEWEST_ENTRY). Returns SQLITE_ROW, SQLITE_DONE (none) or an error. */
static int feeding_row(sqlite3_stmt *st, store_feeding *f, int64_t *id,
                       int *removed) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_row(st, f);
        *id = sqlite3_column_int64(st, COL_ID);
        *removed = sqlite3_column_int(st, COL_REMOVED);
    }
    sqlite3_reset(st);
    return rc;
}

static int set_amount(sqlite_store *s, int64_t id, int amount_ml) {
    sqlite3_bind_int64(s->st[ST_SET_AMOUNT], 1, id);
    sqlite3_bind_int(s->st[ST_SET_AMOUNT], 2, amount_ml);
    return run(s, ST_SET_AMOUNT);
}

/* The feeding an amendment concerned, as it is now. *state: 0 live, 1
 * removed since, 2 no longer there (an edit of its message dropped the
 * line), 3 replaced by an edit of its message (its id was given to the
 * edit's new row). */
static int amended_feeding(sqlite_store *s, const amendment *a,
                           store_feeding *f, int *state) {
    int64_t id;
    int removed = 0;
    sqlite3_bind_int64(s->st[ST_FEEDING_BY_ID], 1, a->feeding_id);
    int rc = feeding_row(s->st[ST_FEEDING_BY_ID], f, &id, &removed);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    *state = rc == SQLITE_DONE                          ? 2
             : f->entered_at_ms != a->feeding_entered ? 3
                                                      : removed;
    return SQLITE_OK;
}

static int sqlite_amend_last(store *base, const char *family, int64_t chat_id,
                             int64_t message_id, int64_t from_id, int amount_ml,
                             int expect_ml, store_feeding *before, int *outcome,
                             char *err) {
    sqlite_store *s = impl(base);
    char key[32];
    amendment a;
    snprintf(key, sizeof key, "m%lld", (long long)message_id);
    memset(before, 0, sizeof *before);
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    if (read_amendment(s, chat_id, key, &a) != SQLITE_OK)
        return abandon(s, "correcting a feeding", err);
    if (a.found) { /* the same correction again: as the first time, from
                    * the feeding as it is (gone: only that) */
        int state = 0;
        if (a.feeding_id && amended_feeding(s, &a, before, &state) != SQLITE_OK)
            return abandon(s, "correcting a feeding", err);
        before->amount_ml = a.from_ml;
        *outcome = a.outcome != STORE_AMEND_NONE && state >= 2 ? STORE_AMEND_GONE : a.outcome;
        if (a.outcome == STORE_AMEND_NURSING) {
            /* a refusal that names what it refused: the same answer, the
             * session as it is (an edit that took its row: only that it
             * was one) */
            *outcome = STORE_AMEND_NURSING;
            if (state >= 2) memset(before, 0, sizeof *before);
            before->kind = PHRASE_NURSING;
        }
        return commit(s, err);
    }
    int removed;
    sqlite3_bind_text(s->st[ST_NEWEST_ENTRY], 3, family, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->st[ST_NEWEST_ENTRY], 4, from_id);
    int rc = feeding_row(s->st[ST_NEWEST_ENTRY], before, &a.feeding_id, &removed);
    sqlite3_clear_bindings(s->st[ST_NEWEST_ENTRY]);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return abandon(s, "correcting a feeding", err);
    a.outcome = rc == SQLITE_DONE                                   ? STORE_AMEND_NONE
                : before->kind == PHRASE_NURSING                    ? STORE_AMEND_NURSING
                : expect_ml && before->amount_ml != expect_ml       ? STORE_AMEND_OTHER
                                                                    : STORE_AMEND_DONE;
    if (rc == SQLITE_DONE) a.feeding_id = 0;
    a.feeding_entered = before->entered_at_ms;
    a.from_ml = before->amount_ml;
    a.to_ml = amount_ml;
    /* a refusal is kept too: delivered again later, after a new feeding,
     * it must not change that one */
    if ((a.outcome == STORE_AMEND_DONE && set_amount(s, a.feeding_id, amount_ml) != SQLITE_OK) ||
        keep_amendment(s, chat_id, key, &a) != SQLITE_OK)
        return abandon(s, "correcting a feeding", err);
    *outcome = a.outcome;
    return commit(s, err);
}

static int sqlite_put_back(store *base, const char *family, int64_t chat_id,
                           int64_t message_id, const char *press,
                           store_feeding *now, int *outcome, char *err) {
    sqlite_store *s = impl(base);
    (void)family; /* the correction's message names it */
    char key[32], press_key[128];
    amendment a, pressed = {0};
    int keyed = press != NULL && press[0] != '\0';
    snprintf(key, sizeof key, "m%lld", (long long)message_id);
    snprintf(press_key, sizeof press_key, "p%.100s", keyed ? press : "");
    memset(now, 0, sizeof *now);
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    if ((keyed && read_amendment(s, chat_id, press_key, &pressed) != SQLITE_OK) ||
        read_amendment(s, chat_id, key, &a) != SQLITE_OK)
        return abandon(s, "putting a feeding back", err);
    int state;
    if (pressed.found) { /* the same press again: as the first time */
        if (amended_feeding(s, &pressed, now, &state) != SQLITE_OK)
            return abandon(s, "putting a feeding back", err);
        now->amount_ml = pressed.to_ml;
        *outcome = state >= 2 ? STORE_AMEND_GONE : STORE_AMEND_DONE;
        return commit(s, err);
    }
    if (!a.found || a.outcome != STORE_AMEND_DONE) {
        *outcome = STORE_AMEND_NONE;
        return commit(s, err);
    }
    if (amended_feeding(s, &a, now, &state) != SQLITE_OK)
        return abandon(s, "putting a feeding back", err);
    *outcome = state == 1 || state == 2 ? STORE_AMEND_GONE
               /* corrected again, or edited, since */
               : state == 3 || now->amount_ml != a.to_ml ? STORE_AMEND_OTHER
                                                         : STORE_AMEND_DONE;
    if (*outcome == STORE_AMEND_DONE) {
        amendment back = {1, STORE_AMEND_DONE, a.feeding_id, a.feeding_entered,
                          a.to_ml, a.from_ml};
        if (set_amount(s, a.feeding_id, a.from_ml) != SQLITE_OK ||
            (keyed && keep_amendment(s, chat_id, press_key, &back) != SQLITE_OK))
            return abandon(s, "putting a feeding back", err);
        now->amount_ml = a.from_ml;
    }
    return commit(s, err);
}

/* A step that returns no rows, with the family bound as ?1. */
static int run_for_family(sqlite_store *s, int id, const char *family) {
    sqlite3_bind_text(s->st[id], 1, family, -1, SQLITE_STATIC);
    int rc = run(s, id);
    sqlite3_clear_bindings(s->st[id]);
    return rc;
}

/* Whether feedings of the per-chat logs of schema 3 and before (family
 * '') are left; *any = -1 on error. */
static void any_unadopted(sqlite_store *s, int *any) {
    sqlite3_stmt *st = s->st[ST_ANY_UNADOPTED];
    int rc = sqlite3_step(st);
    *any = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
}

/* The deployment's family adopts the per-chat logs of schema 3 and before
 * whenever some are left, whichever family read the store first. One
 * IMMEDIATE transaction, the question asked again inside it: of two
 * processes seeing them at once, one adopts. */
static int adopt_legacy(sqlite_store *s, const char *family, char *err) {
    int any;
    any_unadopted(s, &any);
    if (any <= 0) return any == 0 ? STORE_OK : fail(s, "reading the old logs", err);
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    any_unadopted(s, &any);
    if (any < 0 || (any && (run_for_family(s, ST_ADOPT_TZ, family) != SQLITE_OK ||
                            run_for_family(s, ST_ADOPT_FEEDINGS, family) != SQLITE_OK)))
        return abandon(s, "adopting the chats' logs", err);
    return commit(s, err);
}

static int read_settings(sqlite_store *s, const char *family,
                         store_settings *out, int *found) {
    sqlite3_stmt *st = s->st[ST_GET_SETTINGS];
    memset(out, 0, sizeof *out);
    sqlite3_bind_text(st, 1, family, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        copy_text(out->tz, sizeof out->tz, st, 0);
        copy_text(out->babies, sizeof out->babies, st, 1);
        copy_text(out->units, sizeof out->units, st, 2);
    }
    sqlite3_clear_bindings(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int sqlite_get_settings(store *base, const char *family, int64_t now_ms,
                               store_settings *out, char *err) {
    (void)now_ms; /* nothing to read ahead: SQLite answers in microseconds */
    sqlite_store *s = impl(base);
    int found;
    if (!store_family_valid(family)) {
        snprintf(err, STORE_ERR_MAX, "store: not a family id");
        return STORE_ERROR;
    }
    if (!s->old_logs_checked && strcmp(family, store_adopting_family()) == 0) {
        if (adopt_legacy(s, family, err) != STORE_OK) return STORE_ERROR;
        s->old_logs_checked = 1;
    }
    if (read_settings(s, family, out, &found) != SQLITE_OK)
        return fail(s, "reading the family's settings", err);
    if (found) return STORE_OK;
    if (update_lost(s, err)) return STORE_ERROR;
    if (run_for_family(s, ST_ADD_FAMILY, family) != SQLITE_OK)
        return fail(s, "noting a family", err);
    return read_settings(s, family, out, &found) == SQLITE_OK
               ? STORE_OK
               : fail(s, "reading the family's settings", err);
}

/* A setting (ST_SET_TZ, ST_SET_BABIES, ST_SET_UNITS), unless a later
 * message set it. */
static int set_setting(sqlite_store *s, int id, const char *family, const char *value,
                       const char *by, int *stale, const char *doing, char *err) {
    if (update_lost(s, err)) return STORE_ERROR;
    sqlite3_bind_text(s->st[id], 1, family, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->st[id], 2, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->st[id], 3, by, -1, SQLITE_TRANSIENT);
    int rc = run(s, id);
    sqlite3_clear_bindings(s->st[id]);
    if (rc != SQLITE_OK) return fail(s, doing, err);
    *stale = sqlite3_changes(s->db) == 0;
    return STORE_OK;
}

static int sqlite_set_tz(store *base, const char *family, const char *tz,
                         const char *by, int *stale, char *err) {
    return set_setting(impl(base), ST_SET_TZ, family, tz, by, stale,
                       "saving the time zone", err);
}

static int sqlite_set_babies(store *base, const char *family, const char *babies,
                             const char *by, int *stale, char *err) {
    return set_setting(impl(base), ST_SET_BABIES, family, babies, by, stale,
                       "saving the babies' names", err);
}

static int sqlite_set_units(store *base, const char *family, const char *units,
                            const char *by, int *stale, char *err) {
    return set_setting(impl(base), ST_SET_UNITS, family, units, by, stale,
                       "saving the units", err);
}

static int sqlite_next_message_id(store *base, const char *family,
                                  int64_t chat_id, int64_t *out, char *err) {
    sqlite_store *s = impl(base);
    (void)family; /* message ids are a chat's, whatever its family */
    if (update_lost(s, err)) return STORE_ERROR;
    sqlite3_stmt *st = s->st[ST_NEXT_MESSAGE];
    sqlite3_bind_int64(st, 1, chat_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st); /* the change is made once it has run */
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "numbering a message", err);
}

/* --- schedules (#17) --------------------------------------------------------- */

static int schedule_kind_valid(store_schedule_kind kind) {
    return kind >= STORE_REMIND_ONCE && kind <= STORE_SUMMARY;
}

/* Binds a schedule's key (?1-?4). */
static void bind_schedule_key(sqlite3_stmt *st, const store_schedule *sc) {
    sqlite3_bind_text(st, 1, sc->family, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, sc->chat_id);
    sqlite3_bind_int(st, 3, (int)sc->kind);
    sqlite3_bind_int64(st, 4, sc->message_id);
}

/* The current row (in SCHEDULE_COLUMNS order) as a schedule. */
static void read_schedule(sqlite3_stmt *st, store_schedule *sc) {
    memset(sc, 0, sizeof *sc);
    copy_text(sc->family, sizeof sc->family, st, 0);
    sc->chat_id = sqlite3_column_int64(st, 1);
    sc->kind = (store_schedule_kind)sqlite3_column_int(st, 2);
    sc->message_id = sqlite3_column_int64(st, 3);
    sc->due_ms = sqlite3_column_int64(st, 4);
    sc->every_min = sqlite3_column_int(st, 5);
    sc->hour = sqlite3_column_int(st, 6);
    sc->minute = sqlite3_column_int(st, 7);
    sc->last_ms = sqlite3_column_int64(st, 8);
    sc->set_ms = sqlite3_column_int64(st, 9);
    copy_text(sc->by, sizeof sc->by, st, 10);
}

/* Every row of a schedule query into out[0..max); resets the statement. */
static int schedule_rows(sqlite3_stmt *st, store_schedule *out, size_t max, size_t *n) {
    int rc = SQLITE_DONE;
    *n = 0;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) read_schedule(st, &out[(*n)++]);
    if (*n == max) rc = SQLITE_DONE; /* LIMIT max: nothing more */
    sqlite3_clear_bindings(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* One transaction: the one-off reminders done long before this message
 * are forgotten, then the schedule is set (one-off: only if new). */
static int sqlite_put_schedule(store *base, const store_schedule *sc, int *stale,
                               char *err) {
    sqlite_store *s = impl(base);
    *stale = 0;
    if (!store_family_valid(sc->family) || !schedule_kind_valid(sc->kind) || sc->due_ms < 0)
        return fail_with(err, "store: not a schedule");
    int once = sc->kind == STORE_REMIND_ONCE;
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    sqlite3_stmt *forget = s->st[ST_FORGET_SCHEDULES];
    sqlite3_bind_int64(forget, 1, sc->set_ms - STORE_SCHEDULE_KEEP_MS);
    int rc = run(s, ST_FORGET_SCHEDULES);
    if (rc != SQLITE_OK) return abandon(s, "forgetting old reminders", err);
    int id = once ? ST_PUT_SCHEDULE_ONCE : ST_PUT_SCHEDULE;
    sqlite3_stmt *st = s->st[id];
    bind_schedule_key(st, sc);
    sqlite3_bind_int64(st, 5, sc->due_ms);
    sqlite3_bind_int(st, 6, sc->every_min);
    sqlite3_bind_int(st, 7, sc->hour);
    sqlite3_bind_int(st, 8, sc->minute);
    sqlite3_bind_int64(st, 9, sc->last_ms);
    sqlite3_bind_int64(st, 10, sc->set_ms);
    sqlite3_bind_text(st, 11, sc->by, -1, SQLITE_TRANSIENT);
    rc = run(s, id);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) return abandon(s, "saving a schedule", err);
    /* a one-off reminder already there is its message again: not stale
     * (one not there was stopped after its message: stale); nor is a
     * schedule this very message set (delivered again: it changes
     * nothing, not even a due time the schedule has moved on from since) */
    if (sqlite3_changes(s->db) == 0) {
        sqlite3_stmt *by = s->st[ST_SCHEDULE_BY];
        bind_schedule_key(by, sc);
        rc = sqlite3_step(by);
        *stale = rc != SQLITE_ROW ||
                 (!once && strcmp((const char *)sqlite3_column_text(by, 0), sc->by) != 0);
        sqlite3_clear_bindings(by);
        sqlite3_reset(by);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return abandon(s, "saving a schedule", err);
    }
    return commit(s, err);
}

/* One transaction: the chat's reminders set before `by` stop; those it
 * stopped while due (now, or when the same message came before) are
 * counted by their stopped_by. */
static int sqlite_stop_reminders(store *base, const char *family, int64_t chat_id,
                                 const char *by, int *stopped, char *err) {
    sqlite_store *s = impl(base);
    *stopped = 0;
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    for (int id = ST_STOP_REMINDERS; id <= ST_COUNT_STOPPED; id++) {
        sqlite3_stmt *st = s->st[id];
        sqlite3_bind_text(st, 1, family, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, chat_id);
        sqlite3_bind_text(st, 3, by, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) *stopped = sqlite3_column_int(st, 0);
        sqlite3_clear_bindings(st);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return abandon(s, "stopping reminders", err);
    }
    return commit(s, err);
}

static int sqlite_list_schedules(store *base, const char *family, int64_t chat_id,
                                 store_schedule *out, size_t max, size_t *n, char *err) {
    sqlite_store *s = impl(base);
    sqlite3_stmt *st = s->st[ST_LIST_SCHEDULES];
    sqlite3_bind_text(st, 1, family, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, chat_id);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    return schedule_rows(st, out, max, n) == SQLITE_OK ? STORE_OK
                                                       : fail(s, "listing schedules", err);
}

static int sqlite_due_schedules(store *base, int64_t now_ms, store_schedule *out,
                                size_t max, size_t *n, char *err) {
    sqlite_store *s = impl(base);
    sqlite3_stmt *st = s->st[ST_DUE_SCHEDULES];
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    return schedule_rows(st, out, max, n) == SQLITE_OK
               ? STORE_OK
               : fail(s, "reading the due schedules", err);
}

/* One conditional UPDATE; when it changes nothing, the row read back
 * tells whether this very attempt (`claim`) moved it before. */
static int sqlite_claim_schedule(store *base, const store_schedule *sc, int64_t next_due_ms,
                                 int64_t last_ms, const char *claim, int *won, char *err) {
    sqlite_store *s = impl(base);
    *won = 0;
    if (update_lost(s, err)) return STORE_ERROR;
    sqlite3_stmt *st = s->st[ST_CLAIM_SCHEDULE];
    bind_schedule_key(st, sc);
    sqlite3_bind_int64(st, 5, sc->due_ms);
    sqlite3_bind_text(st, 6, sc->by, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, next_due_ms > 0 ? next_due_ms : 0);
    sqlite3_bind_int64(st, 8, last_ms);
    sqlite3_bind_text(st, 9, claim, -1, SQLITE_TRANSIENT);
    int rc = run(s, ST_CLAIM_SCHEDULE);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) return fail(s, "claiming a schedule", err);
    if (sqlite3_changes(s->db) == 1) {
        *won = 1;
        return STORE_OK;
    }
    if (claim[0] == '\0') return STORE_OK; /* no name: nothing to find */
    st = s->st[ST_CLAIM_OF];
    bind_schedule_key(st, sc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *had = sqlite3_column_text(st, 0);
        *won = had && strcmp((const char *)had, claim) == 0 &&
               sqlite3_column_int64(st, 1) == (next_due_ms > 0 ? next_due_ms : 0);
        rc = SQLITE_DONE;
    }
    sqlite3_clear_bindings(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "claiming a schedule", err);
}

/* One transaction (a savepoint inside an update): copied under the new
 * id, then the old rows dropped; *moved counts the copies made. */
static int sqlite_move_schedules(store *base, const char *family, int64_t from_chat,
                                 int64_t to_chat, int *moved, char *err) {
    sqlite_store *s = impl(base);
    *moved = 0;
    if (from_chat == to_chat) return STORE_OK;
    if (begin(s, err) != STORE_OK) return STORE_ERROR;
    for (int id = ST_MOVE_SCHEDULES; id <= ST_DROP_MOVED; id++) {
        sqlite3_stmt *st = s->st[id];
        sqlite3_bind_text(st, 1, family, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, from_chat);
        if (id == ST_MOVE_SCHEDULES) sqlite3_bind_int64(st, 3, to_chat);
        int rc = run(s, id);
        sqlite3_clear_bindings(st);
        if (rc != SQLITE_OK) return abandon(s, "moving schedules to the chat's new id", err);
        if (id == ST_MOVE_SCHEDULES) *moved = sqlite3_changes(s->db);
    }
    return commit(s, err);
}

static int sqlite_get_update_offset(store *base, int64_t bot_id, int64_t *last,
                                    char *err) {
    sqlite_store *s = impl(base);
    sqlite3_stmt *st = s->st[ST_GET_OFFSET];
    sqlite3_bind_int64(st, 1, bot_id);
    int rc = sqlite3_step(st);
    *last = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? STORE_OK
               : fail(s, "reading the place in the bot's updates", err);
}

/* BEGIN IMMEDIATE: the write lock is taken now, so the update's
 * operations cannot meet another writer half-way. */
static int sqlite_begin_update(store *base, char *err) {
    sqlite_store *s = impl(base);
    if (s->in_update) return fail_with(err, "store: an update is already begun");
    /* a transaction left open by an undo that failed (end_update) */
    if (!sqlite3_get_autocommit(s->db) && run(s, ST_ROLLBACK) != SQLITE_OK)
        return fail(s, "undoing an earlier update", err);
    if (run(s, ST_BEGIN) != SQLITE_OK) return fail(s, "starting the update's transaction", err);
    s->in_update = 1;
    return STORE_OK;
}

static int sqlite_end_update(store *base, int64_t bot_id, int64_t last, int keep,
                             char *err) {
    sqlite_store *s = impl(base);
    if (!s->in_update) return fail_with(err, "store: no update begun");
    s->in_update = 0;
    int status = STORE_OK;
    if (!keep) {
        /* if even this fails, begin_update tries again */
        if (run(s, ST_ROLLBACK) != SQLITE_OK && !sqlite3_get_autocommit(s->db))
            status = fail(s, "undoing the update", err);
    } else if (sqlite3_get_autocommit(s->db)) {
        status = fail_with(err, UPDATE_LOST);
    } else {
        sqlite3_stmt *st = s->st[ST_SET_OFFSET];
        sqlite3_bind_int64(st, 1, bot_id);
        sqlite3_bind_int64(st, 2, last);
        if (run(s, ST_SET_OFFSET) != SQLITE_OK)
            status = abandon(s, "keeping the place in the bot's updates", err);
        else
            status = commit(s, err);
    }
    /* legacy logs adopted in an undone transaction are still to adopt */
    if (!keep || status != STORE_OK) s->old_logs_checked = 0;
    return status;
}

static void sqlite_close(store *base) {
    sqlite_store *s = impl(base);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s);
}

static const store_ops sqlite_ops = {
    .add_message = sqlite_add_message,
    .list_range = sqlite_list_range,
    /* the rows are read by index, as for any range */
    .list_amounts = sqlite_list_range,
    .latest_before = sqlite_latest_before,
    .undo_last = sqlite_undo_last,
    .amend_last = sqlite_amend_last,
    .put_back = sqlite_put_back,
    .remove = sqlite_remove,
    .replace_message = sqlite_replace_message,
    .get_settings = sqlite_get_settings,
    .set_tz = sqlite_set_tz,
    .set_babies = sqlite_set_babies,
    .set_units = sqlite_set_units,
    .next_message_id = sqlite_next_message_id,
    .put_schedule = sqlite_put_schedule,
    .stop_reminders = sqlite_stop_reminders,
    .list_schedules = sqlite_list_schedules,
    .due_schedules = sqlite_due_schedules,
    .claim_schedule = sqlite_claim_schedule,
    .move_schedules = sqlite_move_schedules,
    .get_update_offset = sqlite_get_update_offset,
    .begin_update = sqlite_begin_update,
    .end_update = sqlite_end_update,
    .close = sqlite_close,
};

/* mkdir -p for the folders of `path` (private: feedings are family data). */
static int make_parent_dirs(const char *path, char *err, size_t errlen) {
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) return -1;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "store: cannot create %s: %s", dir,
                     strerror(errno));
            return -1;
        }
        *p = '/';
    }
    return 0;
}

/* How long a write waits for another process's, and how long opening
 * waits for others opening or migrating the same file. */
#define BUSY_TIMEOUT_MS 5000
#define OPEN_PATIENCE_MS 10000

/* Another connection holds a lock we need: worth trying again. */
static int is_busy(int rc) {
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static int64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One step of opening: returns an SQLite result code, with a message in
 * err when it is not SQLITE_OK. */
typedef int (*open_step)(sqlite3 *db, const char *path, char *err,
                         size_t errlen);

/* Runs `step` until it is not refused for a lock, or OPEN_PATIENCE_MS have
 * passed (plus the step's own wait, up to BUSY_TIMEOUT_MS), pausing between
 * tries a random 1-100 ms that grows: processes started together must not
 * keep colliding in step. */
static int patiently(open_step step, sqlite3 *db, const char *path, char *err,
                     size_t errlen) {
    int64_t give_up = monotonic_ms() + OPEN_PATIENCE_MS;
    unsigned pause_max = 2;
    for (;;) {
        int rc = step(db, path, err, errlen);
        if (!is_busy(rc) || monotonic_ms() >= give_up) return rc;
        unsigned r;
        sqlite3_randomness(sizeof r, &r);
        sqlite3_sleep((int)(1 + r % pause_max));
        if (pause_max < 100) pause_max *= 2;
    }
}

/* WAL mode. On a new file the switch takes an exclusive lock, and SQLite
 * answers "database is locked" at once instead of waiting for it when
 * another process is opening the file too: hence `patiently`. A file system
 * without WAL support keeps its journal (SQLite answers the old mode). */
static int use_wal(sqlite3 *db, const char *path, char *err, size_t errlen) {
    int rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "store: cannot use %s: %s", path, sqlite3_errmsg(db));
    return rc;
}

static int read_version(sqlite3 *db, int *version) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int newer_schema(int version, char *err, size_t errlen) {
    snprintf(err, errlen, "store: the database has schema version %d, newer "
             "than this milkbot knows (%d): upgrade milkbot",
             version, SCHEMA_VERSION);
    return SQLITE_ERROR;
}

/* Brings the schema to SCHEMA_VERSION, all migrations in one IMMEDIATE
 * transaction. The version is read again once the write lock is held:
 * another process may have migrated while this one waited for it. */
static int migrate(sqlite3 *db, const char *path, char *err, size_t errlen) {
    int version = -1;
    int rc = read_version(db, &version);
    if (rc == SQLITE_OK && version == SCHEMA_VERSION) return SQLITE_OK;
    if (rc == SQLITE_OK && version > SCHEMA_VERSION)
        return newer_schema(version, err, errlen);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "store: cannot use %s: %s", path, sqlite3_errmsg(db));
        return rc;
    }
    rc = read_version(db, &version);
    if (rc == SQLITE_OK && version > SCHEMA_VERSION) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return newer_schema(version, err, errlen);
    }
    int target = version;
    while (rc == SQLITE_OK && target < SCHEMA_VERSION)
        rc = sqlite3_exec(db, migrations[target++], NULL, NULL, NULL);
    if (rc == SQLITE_OK && target != version) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", target);
        rc = sqlite3_exec(db, bump, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "store: migrating to schema version %d: %s",
                 target, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

/* SQLite says only "unable to open database file": what is wrong with the
 * folder a file would be made in, if anything ("" if nothing is). */
static void folder_problem(const char *path, char *why, size_t size) {
    char dir[4096];
    why[0] = '\0';
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0)
        snprintf(why, size, " (its folder %.200s does not exist: make it, or name "
                 "another)", dir);
    else if (!S_ISDIR(st.st_mode))
        snprintf(why, size, " (%.200s is not a folder)", dir);
    else if (access(dir, W_OK | X_OK) != 0)
        snprintf(why, size, " (this user may not write in its folder %.200s)", dir);
}

store *store_sqlite_open(const char *path, int make_dirs, char *err,
                         size_t errlen) {
    if (make_dirs && make_parent_dirs(path, err, errlen) != 0) return NULL;
    sqlite_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "store: out of memory");
        return NULL;
    }
    s->base.ops = &sqlite_ops;
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        char why[300];
        folder_problem(path, why, sizeof why);
        snprintf(err, errlen, "store: cannot open %s: %s%s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), why);
        goto failed;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* journal_mode answers "memory" for an in-memory database: fine. */
    if (patiently(use_wal, s->db, path, err, errlen) != SQLITE_OK) goto failed;
    if (sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "store: cannot use %s: %s", path,
                 sqlite3_errmsg(s->db));
        goto failed;
    }
    if (patiently(migrate, s->db, path, err, errlen) != SQLITE_OK) goto failed;
    for (int i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(s->db, statements[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &s->st[i],
                               NULL) != SQLITE_OK) {
            snprintf(err, errlen, "store: preparing a statement: %s",
                     sqlite3_errmsg(s->db));
            goto failed;
        }
    return &s->base;
failed:
    sqlite_close(&s->base);
    return NULL;
}
