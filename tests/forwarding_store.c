/* forwarding_store.c -- see forwarding_store.h. */
#include "forwarding_store.h"

#include <stdlib.h>

static forwarding_store *impl(store *s) { return (forwarding_store *)s; }

/* The hook's verdict on `op`: STORE_OK when the real store may run it. */
static int admit(store *s, forward_op op, const char *family, char *err) {
    forwarding_store *f = impl(s);
    return f->before ? f->before(f, op, family, err) : STORE_OK;
}

#define REAL(s) (impl(s)->real)

static int fwd_add(store *s, const char *family, store_feeding *feeds, size_t *n,
                   int *already, char *err) {
    if (admit(s, FORWARD_ADD_MESSAGE, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->add_message(REAL(s), family, feeds, n, already, err);
}

static int fwd_list(store *s, const char *family, int64_t from_ms, int64_t to_ms,
                    store_list *out, char *err) {
    if (admit(s, FORWARD_LIST_RANGE, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->list_range(REAL(s), family, from_ms, to_ms, out, err);
}

/* a listing too, as far as a test's hook is concerned */
static int fwd_amounts(store *s, const char *family, int64_t from_ms, int64_t to_ms,
                       store_list *out, char *err) {
    if (admit(s, FORWARD_LIST_RANGE, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->list_amounts(REAL(s), family, from_ms, to_ms, out, err);
}

static int fwd_latest(store *s, const char *family, int64_t before_ms,
                      store_feeding *out, int *found, char *err) {
    if (admit(s, FORWARD_LATEST_BEFORE, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->latest_before(REAL(s), family, before_ms, out, found, err);
}

static int fwd_undo(store *s, const char *family, int64_t chat_id, int64_t message_id,
                    int64_t from_id, store_feeding *removed, int *found, char *err) {
    if (admit(s, FORWARD_UNDO_LAST, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->undo_last(REAL(s), family, chat_id, message_id, from_id,
                                   removed, found, err);
}

static int fwd_amend(store *s, const char *family, int64_t chat_id, int64_t message_id,
                     int64_t from_id, int amount_ml, int expect_ml, store_feeding *before,
                     int *outcome, char *err) {
    if (admit(s, FORWARD_AMEND_LAST, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->amend_last(REAL(s), family, chat_id, message_id, from_id,
                                    amount_ml, expect_ml, before, outcome, err);
}

static int fwd_put_back(store *s, const char *family, int64_t chat_id,
                        int64_t message_id, const char *press, store_feeding *now,
                        int *outcome, char *err) {
    if (admit(s, FORWARD_PUT_BACK, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->put_back(REAL(s), family, chat_id, message_id, press, now,
                                  outcome, err);
}

static int fwd_remove(store *s, const char *family, int64_t chat_id, int64_t message_id,
                      int line, int64_t at_ms, const char *press, store_feeding *removed,
                      int *found, char *err) {
    if (admit(s, FORWARD_REMOVE, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->remove(REAL(s), family, chat_id, message_id, line, at_ms, press,
                                removed, found, err);
}

static int fwd_replace(store *s, const char *family, int64_t chat_id, int64_t message_id,
                       int64_t edit_ms, const store_feeding *feeds, size_t n,
                       store_list *old, int *stale, char *err) {
    if (admit(s, FORWARD_REPLACE_MESSAGE, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->replace_message(REAL(s), family, chat_id, message_id, edit_ms,
                                         feeds, n, old, stale, err);
}

static int fwd_get_settings(store *s, const char *family, int64_t now_ms,
                            store_settings *out, char *err) {
    if (admit(s, FORWARD_GET_SETTINGS, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->get_settings(REAL(s), family, now_ms, out, err);
}

static int fwd_set_tz(store *s, const char *family, const char *tz, const char *by,
                      int *stale, char *err) {
    if (admit(s, FORWARD_SET_TZ, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->set_tz(REAL(s), family, tz, by, stale, err);
}

static int fwd_set_babies(store *s, const char *family, const char *babies,
                          const char *by, int *stale, char *err) {
    if (admit(s, FORWARD_SET_BABIES, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->set_babies(REAL(s), family, babies, by, stale, err);
}

static int fwd_set_units(store *s, const char *family, const char *units,
                         const char *by, int *stale, char *err) {
    if (admit(s, FORWARD_SET_UNITS, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->set_units(REAL(s), family, units, by, stale, err);
}

static int fwd_next_message_id(store *s, const char *family, int64_t chat_id,
                               int64_t *out, char *err) {
    if (admit(s, FORWARD_MAX_MESSAGE_ID, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->next_message_id(REAL(s), family, chat_id, out, err);
}

static int fwd_put_schedule(store *s, const store_schedule *sc, int *stale, char *err) {
    if (admit(s, FORWARD_PUT_SCHEDULE, sc->family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->put_schedule(REAL(s), sc, stale, err);
}

static int fwd_stop_reminders(store *s, const char *family, int64_t chat_id,
                              const char *by, int *stopped, char *err) {
    if (admit(s, FORWARD_STOP_REMINDERS, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->stop_reminders(REAL(s), family, chat_id, by, stopped, err);
}

static int fwd_list_schedules(store *s, const char *family, int64_t chat_id,
                              store_schedule *out, size_t max, size_t *n, char *err) {
    if (admit(s, FORWARD_LIST_SCHEDULES, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->list_schedules(REAL(s), family, chat_id, out, max, n, err);
}

static int fwd_due_schedules(store *s, int64_t now_ms, store_schedule *out, size_t max,
                             size_t *n, char *err) {
    if (admit(s, FORWARD_DUE_SCHEDULES, NULL, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->due_schedules(REAL(s), now_ms, out, max, n, err);
}

static int fwd_claim_schedule(store *s, const store_schedule *sc, int64_t next_due_ms,
                              int64_t last_ms, const char *claim, int *won, char *err) {
    if (admit(s, FORWARD_CLAIM_SCHEDULE, sc->family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->claim_schedule(REAL(s), sc, next_due_ms, last_ms, claim, won, err);
}

static int fwd_move_schedules(store *s, const char *family, int64_t from_chat,
                              int64_t to_chat, int *moved, char *err) {
    if (admit(s, FORWARD_MOVE_SCHEDULES, family, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->move_schedules(REAL(s), family, from_chat, to_chat, moved, err);
}

static int fwd_get_update_offset(store *s, int64_t bot_id, int64_t *last, char *err) {
    if (admit(s, FORWARD_GET_UPDATE_OFFSET, NULL, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->get_update_offset(REAL(s), bot_id, last, err);
}

static int fwd_begin_update(store *s, char *err) {
    if (admit(s, FORWARD_BEGIN_UPDATE, NULL, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->begin_update(REAL(s), err);
}

static int fwd_end_update(store *s, int64_t bot_id, int64_t last, int keep, char *err) {
    if (admit(s, FORWARD_END_UPDATE, NULL, err) != STORE_OK) return STORE_ERROR;
    return REAL(s)->ops->end_update(REAL(s), bot_id, last, keep, err);
}

static void fwd_close(store *s) {
    store_close(REAL(s));
    free(s);
}

static const store_ops forwarding_ops = {
    .add_message = fwd_add,
    .list_range = fwd_list,
    .list_amounts = fwd_amounts,
    .latest_before = fwd_latest,
    .undo_last = fwd_undo,
    .amend_last = fwd_amend,
    .put_back = fwd_put_back,
    .remove = fwd_remove,
    .replace_message = fwd_replace,
    .get_settings = fwd_get_settings,
    .set_tz = fwd_set_tz,
    .set_babies = fwd_set_babies,
    .set_units = fwd_set_units,
    .next_message_id = fwd_next_message_id,
    .put_schedule = fwd_put_schedule,
    .stop_reminders = fwd_stop_reminders,
    .list_schedules = fwd_list_schedules,
    .due_schedules = fwd_due_schedules,
    .claim_schedule = fwd_claim_schedule,
    .move_schedules = fwd_move_schedules,
    .get_update_offset = fwd_get_update_offset,
    .begin_update = fwd_begin_update,
    .end_update = fwd_end_update,
    .close = fwd_close,
};

forwarding_store *forwarding_store_new(store *real, forward_hook before,
                                       void *ctx) {
    if (real == NULL) return NULL;
    forwarding_store *f = calloc(1, sizeof *f);
    if (f == NULL) {
        store_close(real);
        return NULL;
    }
    f->base.ops = &forwarding_ops;
    f->real = real;
    f->before = before;
    f->ctx = ctx;
    return f;
}
