/* addressee_test.c -- whom a group message is for (telegram/addressee.h):
 * commands with and without the bot's name, mentions, replies to the bot,
 * and the text the bot then reads; private chats; the bot's identity. */
#include "telegram/addressee.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define BOT_ID INT64_C(7391046628)

static tg_bot_identity me(const char *username) {
    tg_bot_identity id;
    char err[200];
    assert_int_equal(tg_bot_identity_set(&id, "7391046628:AAE-secret-part", username, err,
                                         sizeof err), 0);
    return id;
}

/* Whom `text` in a group is for, and the text the bot reads, in `out`. */
static tg_addressee in_group(const tg_bot_identity *id, const char *text,
                             int64_t reply_to, char *out, size_t outlen) {
    tg_update u = {.kind = TG_MESSAGE, .text = text, .in_group = 1,
                   .reply_to_from_id = reply_to};
    char *clean;
    tg_addressee to = tg_addressee_of(&u, id, &clean);
    assert_non_null(clean);
    strncpy(out, clean, outlen - 1);
    out[outlen - 1] = '\0';
    free(clean);
    return to;
}

static void test_commands(void **state) {
    (void)state;
    tg_bot_identity id = me("MilkLogBot");
    char text[200];
    /* a bare command is for every bot in the group */
    assert_int_equal(in_group(&id, "/total", 0, text, sizeof text), TG_FOR_EVERY_BOT);
    assert_string_equal(text, "/total");
    /* not commands: a slash not followed by a letter */
    assert_int_equal(in_group(&id, "/ 120ml", 0, text, sizeof text), TG_FOR_NOBODY);
    assert_int_equal(in_group(&id, "// a comment", 0, text, sizeof text), TG_FOR_NOBODY);
    /* "/home/..." is a command /home to Telegram too (the webhook leaves
     * commands milkbot does not have to the other bots) */
    assert_int_equal(in_group(&id, "/home/maya/photos is full", 0, text, sizeof text),
                     TG_FOR_EVERY_BOT);
    /* "@" with no name after the command: no name after all */
    assert_int_equal(in_group(&id, "/feed@ 120ml", 0, text, sizeof text), TG_FOR_EVERY_BOT);
    assert_int_equal(in_group(&id, "/total@MilkLogBot", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "/total");
    /* usernames are case-insensitive */
    assert_int_equal(in_group(&id, "/feed@milklogbot 120ml", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "/feed 120ml");
    assert_int_equal(in_group(&id, "/total@OtherFeedBot", 0, text, sizeof text),
                     TG_FOR_ANOTHER_BOT);
    /* a longer name that begins with ours is another bot's */
    assert_int_equal(in_group(&id, "/total@MilkLogBot2", 0, text, sizeof text),
                     TG_FOR_ANOTHER_BOT);
    /* without a configured username, a named command is taken as ours */
    tg_bot_identity anonymous = me(NULL);
    assert_int_equal(in_group(&anonymous, "/total@AnyBot", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "/total");
    /* a command and a mention: ours */
    assert_int_equal(in_group(&id, "/total @MilkLogBot", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "/total ");
}

static void test_mentions(void **state) {
    (void)state;
    tg_bot_identity id = me("@MilkLogBot"); /* a leading @ is dropped */
    char text[200];
    assert_int_equal(in_group(&id, "@MilkLogBot 90 ml formula at 1pm", 0, text, sizeof text),
                     TG_FOR_US);
    assert_string_equal(text, " 90 ml formula at 1pm");
    assert_int_equal(in_group(&id, "total today @MILKLOGBOT?", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "total today ?");
    /* not mentions: an e-mail address, a longer name, someone else */
    assert_int_equal(in_group(&id, "mail me at ana@MilkLogBot", 0, text, sizeof text),
                     TG_FOR_NOBODY);
    assert_int_equal(in_group(&id, "ask @MilkLogBotter", 0, text, sizeof text), TG_FOR_NOBODY);
    assert_string_equal(text, "ask @MilkLogBotter");
    assert_int_equal(in_group(&id, "@Tom did he eat?", 0, text, sizeof text), TG_FOR_NOBODY);
    /* the mention alone, twice, and after other letters of another script */
    assert_int_equal(in_group(&id, "@MilkLogBot", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "");
    assert_int_equal(in_group(&id, "@MilkLogBot @milklogbot 10ml", 0, text, sizeof text),
                     TG_FOR_US);
    assert_string_equal(text, "  10ml");
    assert_int_equal(in_group(&id, "спасибо @MilkLogBot", 0, text, sizeof text), TG_FOR_US);
    assert_string_equal(text, "спасибо ");
    /* without a username, no mention is recognised */
    tg_bot_identity anonymous = me("");
    assert_int_equal(in_group(&anonymous, "@MilkLogBot 120ml", 0, text, sizeof text),
                     TG_FOR_NOBODY);
}

static void test_replies_to_the_bot(void **state) {
    (void)state;
    tg_bot_identity id = me("MilkLogBot");
    char text[200];
    assert_int_equal(in_group(&id, "thank you!", BOT_ID, text, sizeof text), TG_FOR_US);
    assert_int_equal(in_group(&id, "thank you!", 6120457389, text, sizeof text), TG_FOR_NOBODY);
    assert_int_equal(in_group(&id, "thank you!", 0, text, sizeof text), TG_FOR_NOBODY);
    /* a bot whose id is not known takes no reply as its own */
    tg_bot_identity unknown;
    char err[200];
    assert_int_equal(tg_bot_identity_set(&unknown, NULL, "MilkLogBot", err, sizeof err), 0);
    assert_int_equal(in_group(&unknown, "thank you!", BOT_ID, text, sizeof text), TG_FOR_NOBODY);
}

static void test_private_chats_are_for_the_bot(void **state) {
    (void)state;
    tg_bot_identity id = me("MilkLogBot");
    const char *texts[] = {"is he asleep yet?", "/total@OtherFeedBot", ""};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        tg_update u = {.kind = TG_MESSAGE, .text = texts[i]};
        char *clean;
        assert_int_equal(tg_addressee_of(&u, &id, &clean), TG_FOR_US);
        free(clean);
    }
}

static void test_identity(void **state) {
    (void)state;
    tg_bot_identity id;
    char err[200];
    assert_int_equal(tg_bot_identity_set(&id, "123456:ABC", "Good_Bot1", err, sizeof err), 0);
    assert_int_equal(id.id, 123456);
    assert_string_equal(id.username, "Good_Bot1");
    /* tokens without an id part: the id stays unknown */
    const char *odd[] = {"ABC", ":ABC", "12a:ABC", "99999999999999999999:ABC", ""};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        assert_int_equal(tg_bot_identity_set(&id, odd[i], NULL, err, sizeof err), 0);
        assert_int_equal(id.id, 0);
    }
    /* usernames Telegram does not give: refused, naming the setting and
     * never quoting the token */
    const char *bad[] = {"abc", "has space", "dash-bot", "a123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(tg_bot_identity_set(&id, "123456:SECRET", bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "TELEGRAM_BOT_USERNAME"));
        assert_null(strstr(err, "SECRET"));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_mentions),
        cmocka_unit_test(test_replies_to_the_bot),
        cmocka_unit_test(test_private_chats_are_for_the_bot),
        cmocka_unit_test(test_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
