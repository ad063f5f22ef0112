/* store_sqlite_test.c -- the store conformance suite on SQLite (a file on
 * disk and in memory), and what only the SQLite store promises: its schema
 * version, WAL mode, the default path, clear errors on bad files. */
#include "store/store_sqlite.h"
#include "store_conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[] = "/tmp/milkbot-store-test-XXXXXX";
static int counter;

static store *open_file(void *ctx) {
    (void)ctx;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/test-%d.db", dir, ++counter);
    store *s = store_sqlite_open(path, 0, err, sizeof err);
    if (s == NULL) fprintf(stderr, "%s\n", err);
    return s;
}

static store *open_memory(void *ctx) {
    (void)ctx;
    char err[STORE_ERR_MAX];
    return store_open("sqlite::memory:", err, sizeof err);
}

static int64_t pragma_int(const char *path, const char *sql) {
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static int integrity_ok(const char *path) {
    sqlite3 *db;
    sqlite3_stmt *st;
    int ok = 0;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

/* A new file gets the current schema version, in WAL mode, and keeps its
 * data when opened again. */
static void test_schema_and_reopen(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/reopen.db", dir);
    store *s = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(s);
    int stale;
    char by[STORE_STAMP_MAX];
    store_stamp(1, 7, 1, by);
    assert_int_equal(s->ops->set_tz(s, "f7", "Asia/Kolkata", by, &stale, err), STORE_OK);
    store_close(s);
    assert_int_equal(pragma_int(path, "PRAGMA user_version"), 9);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);

    s = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(s);
    store_settings settings;
    assert_int_equal(s->ops->get_settings(s, "f7", 0, &settings, err), STORE_OK);
    assert_string_equal(settings.tz, "Asia/Kolkata");
    store_close(s);
}

/* A file as milkbot wrote it at schema version 1: feedings 10 and 20 of
 * message 1 and 30 of message 2; message 3 undid 30, the Undo button
 * removed 20; the chat's zone is Asia/Kolkata. */
static const char schema_1_file[] =
    "CREATE TABLE feedings ("
    "  id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL, line INTEGER NOT NULL,"
    "  at_ms INTEGER NOT NULL, at_local TEXT NOT NULL, day TEXT NOT NULL,"
    "  amount_ml INTEGER NOT NULL CHECK (amount_ml BETWEEN 1 AND 1000),"
    "  kind TEXT NOT NULL CHECK (kind IN ('milk', 'formula', 'breastmilk')),"
    "  who TEXT NOT NULL, note TEXT NOT NULL, text TEXT NOT NULL,"
    "  entered_at_ms INTEGER NOT NULL, removed_by INTEGER,"
    "  UNIQUE (chat_id, message_id, line));"
    "CREATE INDEX feedings_by_time ON feedings (chat_id, at_ms)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_entry ON feedings (chat_id, message_id, line)"
    "  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_removed ON feedings (chat_id, removed_by)"
    "  WHERE removed_by IS NOT NULL;"
    "CREATE TABLE messages (chat_id INTEGER NOT NULL,"
    "  message_id INTEGER NOT NULL,"
    "  PRIMARY KEY (chat_id, message_id)) WITHOUT ROWID;"
    "CREATE TABLE chats (chat_id INTEGER PRIMARY KEY,"
    "  tz TEXT NOT NULL DEFAULT '');"
    "INSERT INTO feedings VALUES"
    "  (1, 7, 1, 1, 1000, '2025-11-28T08:00:00Z', '2025-11-28', 10, 'milk',"
    "   'Alex', '', '10ml', 1000, NULL),"
    "  (2, 7, 1, 2, 2000, '2025-11-28T08:00:02Z', '2025-11-28', 20, 'milk',"
    "   'Alex', '', '20ml', 1000, 0),"
    "  (3, 7, 2, 1, 3000, '2025-11-28T08:00:03Z', '2025-11-28', 30, 'formula',"
    "   'Sam', 'warm', '30ml formula warm', 3000, 3);"
    "INSERT INTO messages VALUES (7, 1), (7, 2), (7, 3);"
    "INSERT INTO chats VALUES (7, 'Asia/Kolkata');"
    "PRAGMA user_version = 1;";

/* #11: a schema 1 file is migrated (to 2, 3, 4, 5, 6, 7, then 8) with everything it
 * held: live and removed feedings, the undo receipts, the messages seen,
 * the zone; the deployment's family adopts it (#15); then an edit can
 * bring an undone line back beside its removed row. */
static void test_migrates_schema_1(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/schema1.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, schema_1_file, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    store *s = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(pragma_int(path, "PRAGMA user_version"), 9);
    store_settings settings;
    store_list list = {0};
    /* another family reads first, and the Smiths before they are the
     * deployment's family (`milkbot chat --family smith`): nothing adopted */
    unsetenv("MILKBOT_FAMILY");
    assert_int_equal(s->ops->get_settings(s, "smith", 0, &settings, err), STORE_OK);
    assert_string_equal(settings.tz, "");
    setenv("MILKBOT_FAMILY", "smith", 1);
    assert_int_equal(s->ops->get_settings(s, "f9", 0, &settings, err), STORE_OK);
    assert_string_equal(settings.tz, "");
    assert_int_equal(s->ops->list_range(s, "f9", 0, 10000, &list, err), STORE_OK);
    assert_int_equal(list.count, 0);
    /* the deployment's family (MILKBOT_FAMILY) adopts the chat's log */
    assert_int_equal(s->ops->get_settings(s, "smith", 0, &settings, err), STORE_OK);
    unsetenv("MILKBOT_FAMILY");
    assert_string_equal(settings.tz, "Asia/Kolkata");
    assert_int_equal(s->ops->list_range(s, "smith", 0, 10000, &list, err), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].amount_ml, 10);
    /* a private chat's id is its user's */
    assert_int_equal(list.items[0].from_id, 7);
    assert_int_equal(list.items[0].sent_ms, 1000);
    store_list_free(&list);
    /* the undo's receipt came along, whole */
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, "smith", 7, 3, 7, &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 30);
    assert_int_equal(f.kind, PHRASE_FORMULA);
    assert_string_equal(f.note, "warm");
    assert_string_equal(f.who, "Sam");
    /* messages seen before are still redeliveries, new ids above them */
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {{.chat_id = 7, .message_id = 2,
        .line = 1, .from_id = 7, .sent_ms = 3000, .at_ms = 3000, .amount_ml = 30,
        .kind = PHRASE_MILK}};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, "smith", again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    int64_t id;
    assert_int_equal(s->ops->next_message_id(s, "smith", 7, &id, err), STORE_OK);
    assert_int_equal(id, 4);
    /* an edit brings the undone line back: a live row beside the removed */
    store_feeding edited = again[0];
    edited.amount_ml = 35;
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, "smith", 7, 2, 0, &edited, 1, &old, NULL,
                                             err),
                     STORE_OK);
    assert_int_equal(old.count, 0);
    store_list_free(&old);
    assert_int_equal(s->ops->list_range(s, "smith", 0, 10000, &list, err), STORE_OK);
    assert_int_equal(list.count, 2);
    store_list_free(&list);
    assert_int_equal(s->ops->undo_last(s, "smith", 7, 3, 7, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 30);
    /* the button's earlier removal had no press to recognise: found gone */
    assert_int_equal(s->ops->remove(s, "smith", 7, 1, 2, 0, "press-1", &f, &found, err),
                     STORE_OK);
    assert_int_equal(found, 0);
    /* #13 (schema 3): a correction changes the newest live entry, the
     * edited line of message 2, in place */
    int outcome;
    assert_int_equal(s->ops->amend_last(s, "smith", 7, 5, 7, 40, 35, &f, &outcome, err),
                     STORE_OK);
    assert_int_equal(outcome, STORE_AMEND_DONE);
    assert_int_equal(f.message_id, 2);
    assert_int_equal(s->ops->list_range(s, "smith", 0, 10000, &list, err), STORE_OK);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[1].message_id, 2);
    assert_int_equal(list.items[1].amount_ml, 40);
    store_list_free(&list);
    store_close(s);
    assert_true(integrity_ok(path));
}

/* A file as milkbot wrote it at schema version 6 (the schema as a file
 * made by that version dumps it): the Smiths' log, with a live bottle, one
 * undone by message 3, one removed by the Undo button press "press-1", and
 * a group's bottle corrected from 90 to 95 by message 6; their zone and
 * babies, each with the stamp of the message that set it. */
static const char schema_6_file[] =
    "CREATE TABLE messages (  chat_id INTEGER NOT NULL,  message_id INTEGER NOT NULL,"
    " edit_ms INTEGER NOT NULL DEFAULT 0,  PRIMARY KEY (chat_id, message_id)) WITHOUT ROWID;"
    "CREATE TABLE chats (  chat_id INTEGER PRIMARY KEY,  tz TEXT NOT NULL DEFAULT '',"
    " last_message_id INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS \"feedings\" (  id INTEGER PRIMARY KEY,  chat_id INTEGER NOT"
    " NULL,  message_id INTEGER NOT NULL,  line INTEGER NOT NULL,  at_ms INTEGER NOT NULL, "
    " at_local TEXT NOT NULL,  day TEXT NOT NULL,  amount_ml INTEGER NOT NULL CHECK"
    " (amount_ml BETWEEN 1 AND 1000),  kind TEXT NOT NULL CHECK (kind IN ('milk',"
    " 'formula', 'breastmilk')),  who TEXT NOT NULL,  note TEXT NOT NULL,  text TEXT NOT"
    " NULL,  entered_at_ms INTEGER NOT NULL,  removed_by INTEGER,  removed_press TEXT,"
    " family TEXT NOT NULL DEFAULT '', from_id INTEGER NOT NULL DEFAULT 0, sent_ms INTEGER"
    " NOT NULL DEFAULT 0, removed_in INTEGER, baby TEXT NOT NULL DEFAULT '',  CHECK"
    " (removed_press IS NULL OR removed_by = 0));"
    "CREATE UNIQUE INDEX feedings_live ON feedings (chat_id, message_id, line)  WHERE"
    " removed_by IS NULL;"
    "CREATE INDEX feedings_by_press ON feedings (chat_id, removed_press)  WHERE"
    " removed_press IS NOT NULL;"
    "CREATE TABLE presses (  chat_id INTEGER NOT NULL,  press TEXT NOT NULL,  PRIMARY KEY"
    " (chat_id, press)) WITHOUT ROWID;"
    "CREATE TABLE amendments (  chat_id INTEGER NOT NULL,  by_key TEXT NOT NULL,  outcome"
    " INTEGER NOT NULL,  feeding_id INTEGER NOT NULL,  feeding_entered_ms INTEGER NOT NULL,"
    "  from_ml INTEGER NOT NULL,  to_ml INTEGER NOT NULL,  PRIMARY KEY (chat_id, by_key))"
    " WITHOUT ROWID;"
    "CREATE INDEX feedings_by_time ON feedings (family, at_ms)  WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_by_entry ON feedings (family, from_id, sent_ms,  chat_id,"
    " message_id, line) WHERE removed_by IS NULL;"
    "CREATE INDEX feedings_removed ON feedings (removed_in, removed_by)  WHERE removed_by"
    " IS NOT NULL;"
    "CREATE INDEX feedings_unadopted ON feedings (chat_id) WHERE family = '';"
    "CREATE TABLE families (  family TEXT PRIMARY KEY,  tz TEXT NOT NULL DEFAULT '', babies"
    " TEXT NOT NULL DEFAULT '', tz_by TEXT NOT NULL DEFAULT '', babies_by TEXT NOT NULL"
    " DEFAULT '') WITHOUT ROWID;"
    "INSERT INTO feedings VALUES"
    "  (4, 7, 1, 1, 1000, '2025-11-28T08:00:01Z', '2025-11-28', 120, 'milk', 'Alex', '',"
    "   '120ml', 1000, NULL, NULL, 'smith', 7, 1000, NULL, ''),"
    "  (9, 7, 2, 1, 2000, '2025-11-28T08:00:02Z', '2025-11-28', 60, 'formula', 'Sam',"
    "   'warm', '60ml formula warm', 2000, 3, NULL, 'smith', 7, 2000, 7, 'Mia'),"
    "  (12, 7, 4, 1, 3000, '2025-11-28T08:00:03Z', '2025-11-28', 80, 'breastmilk', 'Alex',"
    "   '', '80ml ebm', 3000, 0, 'press-1', 'smith', 7, 3000, NULL, 'Leo'),"
    "  (15, -100, 5, 2, 4000, '2025-11-28T08:00:04Z', '2025-11-28', 95, 'milk', 'Sam', '',"
    "   '90', 4000, NULL, NULL, 'smith', 8, 4000, NULL, 'Leo');"
    "INSERT INTO messages VALUES (7, 1, 0), (7, 2, 0), (7, 3, 0), (7, 4, 0), (-100, 5, 0),"
    "  (-100, 6, 0);"
    "INSERT INTO presses VALUES (7, 'press-1');"
    "INSERT INTO amendments VALUES (-100, 'm6', 0, 15, 4000, 90, 95);"
    "INSERT INTO chats VALUES (7, '', 0);"
    "INSERT INTO families VALUES ('smith', 'Europe/London', 'Mia,Leo',"
    "  '000000000005000#09223372036854775815#09223372036854775813',"
    "  '000000000006000#09223372036854775708#09223372036854775814');"
    "PRAGMA user_version = 6;";

/* Every row a query answers, as "a,b|c,d" (NULL as "-"), into out. */
static void query_text(const char *path, const char *sql, char *out, size_t size) {
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t len = 0;
    out[0] = '\0';
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int row = 0; sqlite3_step(st) == SQLITE_ROW && len < size; row++)
        for (int c = 0; c < sqlite3_column_count(st) && len < size; c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            len += (size_t)snprintf(out + len, size - len, "%s%s", c ? "," : row ? "|" : "",
                                    v ? (const char *)v : "-");
        }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

#define SCHEMA_6_COLUMNS                                                                   \
    "SELECT id, chat_id, message_id, line, at_ms, at_local, day, amount_ml, kind, who, "  \
    "note, text, entered_at_ms, removed_by, removed_press, family, from_id, sent_ms, "     \
    "removed_in, baby FROM feedings ORDER BY id"
#define FEEDINGS_INDEXES                                                                   \
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'feedings' " \
    "ORDER BY name"

/* #16: a schema 6 file is migrated to 7 (and on to 8; the feedings table copied, for
 * its new checks) with every row, id and index as it was, the new columns
 * at their defaults; what the store answers from it is unchanged (the
 * receipts of an undo, a press, a correction; the settings); and it then
 * takes nursing sessions, and still refuses a bottle of 0 ml. */
static void test_migrates_schema_6(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX], rows[4096], rows_after[4096], indexes[4096],
        indexes_after[4096], got[1024];
    snprintf(path, sizeof path, "%s/schema6.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, schema_6_file, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    query_text(path, SCHEMA_6_COLUMNS, rows, sizeof rows);
    query_text(path, FEEDINGS_INDEXES, indexes, sizeof indexes);
    assert_non_null(strstr(indexes, "feedings_unadopted"));

    store *s = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(pragma_int(path, "PRAGMA user_version"), 9);
    query_text(path, SCHEMA_6_COLUMNS, rows_after, sizeof rows_after);
    assert_string_equal(rows_after, rows);
    query_text(path, "SELECT id, amount_ml, removed_by, removed_press FROM feedings "
                     "ORDER BY id", got, sizeof got);
    assert_string_equal(got, "4,120,-,-|9,60,3,-|12,80,0,press-1|15,95,-,-");
    query_text(path, "SELECT count(*) FROM feedings WHERE sides = '' AND left_min = 0 AND "
                     "right_min = 0 AND minutes = 0", got, sizeof got);
    assert_string_equal(got, "4");
    query_text(path, FEEDINGS_INDEXES, indexes_after, sizeof indexes_after);
    assert_string_equal(indexes_after, indexes);
    /* and the reads use them */
    query_text(path, "EXPLAIN QUERY PLAN SELECT id FROM feedings WHERE family = 'smith' AND "
                     "at_ms >= 0 AND at_ms < 9000 AND removed_by IS NULL ORDER BY at_ms",
               got, sizeof got);
    assert_non_null(strstr(got, "feedings_by_time"));
    query_text(path, "SELECT tz, babies, units, units_by FROM families", got, sizeof got);
    assert_string_equal(got, "Europe/London,Mia,Leo,,");

    store_settings settings;
    assert_int_equal(s->ops->get_settings(s, "smith", 0, &settings, err), STORE_OK);
    assert_string_equal(settings.tz, "Europe/London");
    assert_string_equal(settings.babies, "Mia,Leo");
    assert_string_equal(settings.units, "");
    /* the stamps came along: an older message's zone is stale */
    char older[STORE_STAMP_MAX];
    int stale = -1;
    store_stamp(4000, 7, 4, older);
    assert_int_equal(s->ops->set_tz(s, "smith", "UTC", older, &stale, err), STORE_OK);
    assert_int_equal(stale, 1);
    store_list list = {0};
    assert_int_equal(s->ops->list_range(s, "smith", 0, 10000, &list, err), STORE_OK);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].amount_ml, 120);
    assert_int_equal(list.items[0].kind, PHRASE_MILK);
    assert_string_equal(list.items[0].sides, "");
    assert_int_equal(list.items[0].minutes, 0);
    assert_int_equal(list.items[1].chat_id, -100);
    assert_int_equal(list.items[1].amount_ml, 95);
    assert_string_equal(list.items[1].baby, "Leo");
    store_list_free(&list);
    /* the undo, the press and the correction delivered again: as before */
    store_feeding f;
    int found, outcome;
    assert_int_equal(s->ops->undo_last(s, "smith", 7, 3, 7, &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 60);
    assert_int_equal(f.kind, PHRASE_FORMULA);
    assert_string_equal(f.baby, "Mia");
    assert_int_equal(s->ops->remove(s, "smith", 7, 4, 1, 0, "press-1", &f, &found, err),
                     STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 80);
    assert_int_equal(f.kind, PHRASE_BREASTMILK);
    assert_int_equal(s->ops->amend_last(s, "smith", -100, 6, 8, 95, 0, &f, &outcome, err),
                     STORE_OK);
    assert_int_equal(outcome, STORE_AMEND_DONE);
    assert_int_equal(f.message_id, 5);
    assert_int_equal(f.amount_ml, 90);
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {{.chat_id = 7, .message_id = 1,
        .line = 1, .from_id = 7, .sent_ms = 1000, .at_ms = 1000, .amount_ml = 120,
        .kind = PHRASE_MILK}};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, "smith", again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);

    /* the new schema takes a session, and refuses a bottle of nothing */
    store_feeding nursed[STORE_MESSAGE_MAX_FEEDINGS] = {{.chat_id = 7, .message_id = 7,
        .line = 1, .from_id = 7, .sent_ms = 5000, .at_ms = 5000, .kind = PHRASE_NURSING,
        .sides = "LR", .left_min = 7, .right_min = 8, .minutes = 15}};
    n = 1;
    assert_int_equal(s->ops->add_message(s, "smith", nursed, &n, &already, err), STORE_OK);
    assert_int_equal(already, 0);
    store_feeding empty[STORE_MESSAGE_MAX_FEEDINGS] = {{.chat_id = 7, .message_id = 8,
        .line = 1, .from_id = 7, .sent_ms = 6000, .at_ms = 6000, .kind = PHRASE_MILK}};
    n = 1;
    assert_int_equal(s->ops->add_message(s, "smith", empty, &n, &already, err), STORE_ERROR);
    query_text(path, "SELECT id, kind, amount_ml, sides, left_min, right_min, minutes FROM "
                     "feedings WHERE id > 15", got, sizeof got);
    assert_string_equal(got, "16,nursing,0,LR,7,8,15");
    store_close(s);
    assert_true(integrity_ok(path));
}

/* #17: a schema 7 file (a current one without what 8 added: the
 * schedules table and its indexes) is migrated to 8 with its feedings and
 * settings; it then keeps schedules, the tick reads the due ones through
 * the partial index, and one-off reminders done long before are
 * forgotten. */
static void test_migrates_schema_7(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX], got[1024];
    snprintf(path, sizeof path, "%s/schema7.db", dir);
    store *s = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(s);
    store_feeding feeds[STORE_MESSAGE_MAX_FEEDINGS] = {{.chat_id = 7, .message_id = 1,
        .line = 1, .from_id = 7, .sent_ms = 1000, .at_ms = 1000, .amount_ml = 120,
        .kind = PHRASE_MILK}};
    size_t n = 1;
    int already, stale;
    char by[STORE_STAMP_MAX];
    store_stamp(1000, 7, 1, by);
    assert_int_equal(s->ops->add_message(s, "smith", feeds, &n, &already, err), STORE_OK);
    assert_int_equal(s->ops->set_tz(s, "smith", "Europe/London", by, &stale, err), STORE_OK);
    store_close(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE schedules; DROP TABLE polls; "
                                  "PRAGMA user_version = 7;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    s = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(pragma_int(path, "PRAGMA user_version"), 9);
    query_text(path, "SELECT name FROM sqlite_schema WHERE tbl_name = 'schedules' AND "
                     "type = 'index' AND sql IS NOT NULL ORDER BY name", got, sizeof got);
    assert_string_equal(got, "schedules_done|schedules_due");
    query_text(path, "EXPLAIN QUERY PLAN SELECT family FROM schedules WHERE due_ms > 0 AND "
                     "due_ms <= 5 ORDER BY due_ms", got, sizeof got);
    assert_non_null(strstr(got, "schedules_due"));
    query_text(path, "EXPLAIN QUERY PLAN DELETE FROM schedules WHERE kind = 1 AND "
                     "due_ms = 0 AND set_ms < 5", got, sizeof got);
    assert_non_null(strstr(got, "schedules_done"));
    store_settings settings;
    assert_int_equal(s->ops->get_settings(s, "smith", 0, &settings, err), STORE_OK);
    assert_string_equal(settings.tz, "Europe/London");
    store_list list = {0};
    assert_int_equal(s->ops->list_range(s, "smith", 0, 10000, &list, err), STORE_OK);
    assert_int_equal(list.count, 1);
    store_list_free(&list);

    /* a one-off reminder said, and a week and more later another set:
     * the first is forgotten, an alert (not a one-off) is kept */
    const int64_t week = STORE_SCHEDULE_KEEP_MS;
    store_schedule once = {.family = "smith", .chat_id = 7, .kind = STORE_REMIND_ONCE,
                           .message_id = 2, .due_ms = 5000, .set_ms = 2000};
    store_schedule alert = {.family = "smith", .chat_id = 7, .kind = STORE_ALERT,
                            .due_ms = 0, .every_min = 240, .set_ms = 2000};
    store_stamp(2000, 7, 2, once.by);
    store_stamp(2000, 7, 3, alert.by);
    assert_int_equal(s->ops->put_schedule(s, &once, &stale, err), STORE_OK);
    assert_int_equal(s->ops->put_schedule(s, &alert, &stale, err), STORE_OK);
    int won;
    assert_int_equal(s->ops->claim_schedule(s, &once, 0, 0, "tick-1", &won, err), STORE_OK);
    assert_int_equal(won, 1);
    store_schedule later = once;
    later.message_id = 9;
    later.set_ms = 2000 + week; /* not yet a week after */
    later.due_ms = later.set_ms + 1000;
    store_stamp(later.set_ms, 7, 9, later.by);
    assert_int_equal(s->ops->put_schedule(s, &later, &stale, err), STORE_OK);
    query_text(path, "SELECT message_id FROM schedules ORDER BY kind, message_id", got,
               sizeof got);
    assert_string_equal(got, "2|9|0");
    later.message_id = 10;
    later.set_ms = 2001 + week;
    store_stamp(later.set_ms, 7, 10, later.by);
    assert_int_equal(s->ops->put_schedule(s, &later, &stale, err), STORE_OK);
    query_text(path, "SELECT message_id FROM schedules ORDER BY kind, message_id", got,
               sizeof got);
    assert_string_equal(got, "9|10|0");
    store_close(s);
    assert_true(integrity_ok(path));
}

/* A database from a newer milkbot is refused, not damaged. */
static void test_newer_schema_is_refused(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/newer.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(store_sqlite_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "schema version 99"));
    assert_int_equal(pragma_int(path, "PRAGMA user_version"), 99);
}

/* A file that is not a database, or a folder that does not exist: an error
 * that names the problem. */
static void test_bad_files(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/garbage.db", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++) fputs("this is not a database ", f);
    fclose(f);
    assert_null(store_sqlite_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "not a database"));

    snprintf(path, sizeof path, "%s/no/such/dir/x.db", dir);
    assert_null(store_sqlite_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
    /* and why: SQLite says only "unable to open database file" */
    char folder[300];
    snprintf(folder, sizeof folder, "its folder %s/no/such/dir does not exist", dir);
    assert_non_null(strstr(err, folder));
    snprintf(path, sizeof path, "%s/garbage.db/x.db", dir);
    assert_null(store_sqlite_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "garbage.db is not a folder"));

    assert_null(store_open("postgres:x", err, sizeof err));
    assert_non_null(strstr(err, "unknown store"));
    assert_null(store_open("sqlite:", err, sizeof err));
}

/* The default file: under $XDG_DATA_HOME, else ~/.local/share, created
 * with its folders on first use. */
static void test_default_path(void **state) {
    (void)state;
    char path[512], expected[512], err[STORE_ERR_MAX];
    char xdg[256];
    snprintf(xdg, sizeof xdg, "%s/xdg", dir);
    setenv("XDG_DATA_HOME", xdg, 1);
    assert_int_equal(store_default_sqlite_path(path, sizeof path), 0);
    snprintf(expected, sizeof expected, "%s/milkbot/milkbot.db", xdg);
    assert_string_equal(path, expected);
    store *s = store_open("sqlite", err, sizeof err);
    assert_non_null(s);
    store_close(s);
    struct stat st;
    assert_int_equal(stat(expected, &st), 0);

    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/parent", 1);
    assert_int_equal(store_default_sqlite_path(path, sizeof path), 0);
    assert_string_equal(path, "/home/parent/.local/share/milkbot/milkbot.db");
    unsetenv("HOME");
    assert_int_equal(store_default_sqlite_path(path, sizeof path), -1);
}

/* Two connections on one file: the second writer waits, nothing is lost,
 * and each new message id is new to both. (sqlite_processes_test does it
 * with processes.) */
static void test_two_connections(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/shared.db", dir);
    store *a = store_sqlite_open(path, 0, err, sizeof err);
    store *b = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 1; i <= 20; i++) {
        store *s = i % 2 ? a : b;
        store_feeding f = {.chat_id = 1, .message_id = i, .line = 1, .from_id = 1,
                           .sent_ms = i, .at_ms = i, .amount_ml = i, .kind = PHRASE_MILK};
        size_t n = 1;
        int already;
        assert_int_equal(s->ops->add_message(s, "f1", &f, &n, &already, err), STORE_OK);
        assert_int_equal(already, 0);
    }
    store_list list = {0};
    assert_int_equal(a->ops->list_range(a, "f1", 0, 100, &list, err), STORE_OK);
    assert_int_equal(list.count, 20);
    store_list_free(&list);
    /* message ids are counted in the file, not in a connection */
    int64_t ids[4];
    for (int i = 0; i < 4; i++) {
        store *s = i % 2 ? a : b;
        assert_int_equal(s->ops->next_message_id(s, "f1", 1, &ids[i], err), STORE_OK);
    }
    assert_int_equal(ids[0], 21);
    assert_int_equal(ids[1], 22);
    assert_int_equal(ids[2], 23);
    assert_int_equal(ids[3], 24);
    store_close(a);
    store_close(b);
}

/* `milkbot serve`'s update transaction (#18): the effect and the place
 * after it are saved together or not at all, seen by another connection
 * only once saved; an update's operations may fail alone. */
static int64_t place_of(store *s, int64_t bot) {
    char err[STORE_ERR_MAX];
    int64_t last = -1;
    assert_int_equal(s->ops->get_update_offset(s, bot, &last, err), STORE_OK);
    return last;
}

static size_t feedings_of(store *s) {
    char err[STORE_ERR_MAX];
    store_list list = {0};
    assert_int_equal(s->ops->list_range(s, "f1", 0, 1000, &list, err), STORE_OK);
    size_t n = list.count;
    store_list_free(&list);
    return n;
}

static void add_one(store *s, int64_t message_id) {
    char err[STORE_ERR_MAX];
    store_feeding f = {.chat_id = 1, .message_id = message_id, .line = 1, .from_id = 1,
                       .sent_ms = message_id, .at_ms = message_id, .amount_ml = 50,
                       .kind = PHRASE_MILK};
    size_t n = 1;
    int already;
    assert_int_equal(s->ops->add_message(s, "f1", &f, &n, &already, err), STORE_OK);
}

static void test_update_transaction(void **state) {
    (void)state;
    char path[256], err[STORE_ERR_MAX];
    snprintf(path, sizeof path, "%s/updates.db", dir);
    store *a = store_sqlite_open(path, 0, err, sizeof err);
    store *b = store_sqlite_open(path, 0, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(place_of(a, 7), 0);
    /* undone: neither the feeding nor the place */
    assert_int_equal(a->ops->begin_update(a, err), STORE_OK);
    add_one(a, 1);
    assert_int_equal(feedings_of(a), 1); /* its own connection sees it */
    assert_int_equal(feedings_of(b), 0); /* no other, yet */
    assert_int_equal(a->ops->end_update(a, 7, 100, 0, err), STORE_OK);
    assert_int_equal(feedings_of(a), 0);
    assert_int_equal(place_of(b, 7), 0);
    /* kept: both, and an operation that failed inside undid only itself */
    assert_int_equal(a->ops->begin_update(a, err), STORE_OK);
    assert_int_equal(a->ops->begin_update(a, err), STORE_ERROR); /* not nested */
    add_one(a, 2);
    /* two feedings on one line of a message: the second breaks the unique
     * key after the first was written, and the operation undoes itself */
    store_feeding twice[2] = {
        {.chat_id = 1, .message_id = 9, .line = 1, .from_id = 1, .sent_ms = 9, .at_ms = 9,
         .amount_ml = 50, .kind = PHRASE_MILK},
        {.chat_id = 1, .message_id = 9, .line = 1, .from_id = 1, .sent_ms = 9, .at_ms = 9,
         .amount_ml = 60, .kind = PHRASE_MILK}};
    size_t n = 2;
    int already;
    assert_int_equal(a->ops->add_message(a, "f1", twice, &n, &already, err), STORE_ERROR);
    assert_int_equal(feedings_of(a), 1);
    add_one(a, 3);
    assert_int_equal(a->ops->end_update(a, 7, 101, 1, err), STORE_OK);
    assert_int_equal(feedings_of(b), 2);
    assert_int_equal(place_of(b, 7), 101);
    assert_int_equal(place_of(b, 8), 0); /* per bot */
    /* the place is kept as given: Telegram may number updates anew */
    assert_int_equal(a->ops->begin_update(a, err), STORE_OK);
    assert_int_equal(a->ops->end_update(a, 7, 5, 1, err), STORE_OK);
    assert_int_equal(place_of(b, 7), 5);
    assert_int_equal(a->ops->end_update(a, 7, 6, 1, err), STORE_ERROR); /* none begun */
    assert_non_null(strstr(err, "no update"));
    /* outside an update, every write is its own transaction, as ever */
    add_one(b, 4);
    assert_int_equal(feedings_of(a), 3);
    store_close(a);
    store_close(b);
    assert_true(integrity_ok(path));
}

int main(void) {
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    const store_backend file = {"store_conformance(sqlite file)", open_file, NULL};
    const store_backend memory = {"store_conformance(sqlite :memory:)", open_memory, NULL};
    int failed = store_conformance_run(&file);
    failed += store_conformance_run(&memory);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_and_reopen),
        cmocka_unit_test(test_migrates_schema_1),
        cmocka_unit_test(test_migrates_schema_6),
        cmocka_unit_test(test_migrates_schema_7),
        cmocka_unit_test(test_newer_schema_is_refused),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_two_connections),
        cmocka_unit_test(test_update_transaction),
    };
    failed += cmocka_run_group_tests_name("store_sqlite", tests, NULL, NULL);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return failed;
}
