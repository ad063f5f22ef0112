/* phrase_lexer_test.c -- the lexer's tokens, and the parser's safety on
 * hostile bytes (NUL, invalid UTF-8, huge lines, unterminated buffers). */
#include "phrase_grammar.h"
#include "phrase_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Lexes `text` from an exact-size heap copy, so that reading one byte past
 * the end is an AddressSanitizer error, and returns the token codes. */
static int lex_all(const char *text, size_t len, int *codes, phrase_token *toks,
                   int max) {
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    phrase_lexer lx;
    phrase_lexer_init(&lx, copy, len);
    int n = 0, code;
    phrase_token tok;
    while ((code = phrase_lex(&lx, &tok)) != 0) {
        assert_true(n < max);
        codes[n] = code;
        if (toks) toks[n] = tok;
        n++;
    }
    free(copy);
    return n;
}

#define LEX(s, codes, toks) lex_all((s), strlen(s), (codes), (toks), 16)

/* Each row: a phrase and the token codes it must give, ending in 0. */
static const struct {
    const char *text;
    int codes[8];
} token_table[] = {
    /* number and unit touching or not: one token */
    {"120ml", {TK_AMOUNT, 0}},
    /* #17: how long, after a schedule's word only, is one SPAN */
    {"remind me in 2h 30m", {TK_COMMAND, TK_SPAN, 0}},
    {"remind every 90 min", {TK_COMMAND, TK_SPAN, 0}},
    {"alert 4h", {TK_COMMAND, TK_SPAN, 0}},
    {"alert after half an hour", {TK_COMMAND, TK_SPAN, 0}},
    {"remind me at 7", {TK_COMMAND, TK_AT, TK_NUMBER, 0}},
    {"in 3h", {TK_FUTURE, 0}},
    {"every 3h", {TK_WORD, TK_HOURH, 0}},
    {"when's the next feed due?", {TK_COMMAND, TK_QUESTION, 0}},
    {"stop reminders", {TK_COMMAND, 0}},
    {"which side next", {TK_COMMAND, 0}},
    {"120 ml", {TK_AMOUNT, 0}},
    {"4 fl oz", {TK_AMOUNT, 0}},
    /* "12 amounts" is a number and a word, not 12am + "ounts" */
    {"12 amounts", {TK_NUMBER, TK_WORD, 0}},
    /* words never hold digits: a number glued to letters is two tokens,
     * which the builder refuses together ("didn't understand 120mlx") */
    {"120mlx", {TK_NUMBER, TK_WORD, 0}},
    {"ebm75", {TK_KIND, TK_NUMBER, 0}},
    {"4pm150ml", {TK_CLOCK, TK_AMOUNT, 0}},
    {"150ml@4pm", {TK_AMOUNT, TK_AT, TK_CLOCK, 0}},
    /* quantities: fractions, a leading dot, a decimal comma before a unit */
    {"2 1/2 oz", {TK_AMOUNT, 0}},
    {"3\xC2\xBCoz", {TK_AMOUNT, 0}},
    {".75oz", {TK_AMOUNT, 0}},
    {"2,5oz", {TK_AMOUNT, 0}},
    {"2,5", {TK_NUMBER, TK_NUMBER, 0}},
    {"two and a half oz", {TK_AMOUNT, 0}},
    {"5 fluid ounces", {TK_AMOUNT, 0}},
    /* a unit alone, and a typo of one, is a unit token */
    {"ml", {TK_UNIT, 0}},
    {"5 ounzes", {TK_NUMBER, TK_UNIT, 0}},
    /* a typo of a known word of five letters or more is that word */
    {"yesterdy", {TK_DAY, 0}},
    {"fromula", {TK_KIND, 0}},
    {"12pm", {TK_CLOCK, 0}},
    {"6.15 p.m.", {TK_CLOCK, 0}},
    /* a lone dotted number is a number, not a time */
    {"6.15", {TK_NUMBER, 0}},
    {"7:30", {TK_CLOCK, 0}},
    {"19h", {TK_HOURH, 0}},
    {"2h ago", {TK_HOURH, TK_AGO, 0}},
    {"20 min ago", {TK_DURATION, TK_AGO, 0}},
    {"half an hour ago", {TK_DURATION, TK_AGO, 0}},
    {"in 15 minutes", {TK_FUTURE, 0}},
    {"last night", {TK_PART, 0}},
    {"last", {TK_COMMAND, 0}},
    {"last 7 days", {TK_COMMAND, 0}},
    {"breast milk", {TK_KIND, 0}},
    {"how much", {TK_COMMAND, 0}},
    {"/total@MilkBot", {TK_COMMAND, 0}},
    /* the zone argument keeps digits and signs */
    {"tz Etc/GMT+5", {TK_COMMAND, TK_ZONE, 0}},
    {"timezone?", {TK_COMMAND, TK_QUESTION, 0}},
    /* separators and filler never reach the grammar */
    {" ,.;!: ~ about ", {0}},
    {"?", {TK_QUESTION, 0}},
    /* a no-break space (U+00A0) and a narrow one (U+202F, iOS) separate */
    {"7:30\xE2\x80\xAFPM", {TK_CLOCK, 0}},
    {"baby\xC2\xA0" "120ml", {TK_WORD, TK_AMOUNT, 0}},
};

static void test_token_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof token_table / sizeof token_table[0]; i++) {
        int codes[16];
        int n = LEX(token_table[i].text, codes, NULL);
        int expected = 0;
        while (token_table[i].codes[expected]) expected++;
        if (n != expected || memcmp(codes, token_table[i].codes,
                                    (size_t)n * sizeof *codes) != 0) {
            print_error("\"%s\": %d tokens, expected %d\n",
                        token_table[i].text, n, expected);
            fail();
        }
    }
}

static void test_token_values(void **state) {
    (void)state;
    int codes[16];
    phrase_token toks[16];
    assert_int_equal(LEX("baby 4.5oz", codes, toks), 2);
    assert_int_equal(toks[0].off, 0);
    assert_int_equal(toks[0].len, 4);
    assert_int_equal(toks[1].off, 5);
    assert_int_equal(toks[1].micro, 4500000);
    assert_int_equal(toks[1].unit, UNIT_OZ);

    assert_int_equal(LEX("12:30pm", codes, toks), 1);
    assert_int_equal(toks[0].hour, 12);
    assert_int_equal(toks[0].minute, 30);
    assert_int_equal(toks[0].sub, PHRASE_CLOCK_PM);

    /* a leading zero or the h form make a 24-hour time */
    assert_int_equal(LEX("07:30", codes, toks), 1);
    assert_int_equal(toks[0].sub, PHRASE_CLOCK_AS_WRITTEN);
    assert_int_equal(LEX("7h30", codes, toks), 1);
    assert_int_equal(toks[0].sub, PHRASE_CLOCK_AS_WRITTEN);
    assert_int_equal(LEX("7:30", codes, toks), 1);
    assert_int_equal(toks[0].sub, PHRASE_CLOCK_BARE);

    /* numbers saturate instead of overflowing */
    assert_int_equal(LEX("123456789012345678901234567890", codes, toks), 1);
    assert_int_equal(toks[0].micro, PHRASE_NUMBER_CAP * 1000000);

    assert_int_equal(LEX("/foo@Bot", codes, toks), 1);
    assert_int_equal(toks[0].sub, CMD_UNKNOWN);
    assert_int_equal(LEX("/ADD", codes, toks), 1);
    assert_int_equal(toks[0].sub, CMD_FEED);

    /* #17: a schedule's words, and how long after them */
    assert_int_equal(LEX("remind me in 2h30", codes, toks), 2);
    assert_int_equal(toks[0].sub, CMD_REMIND);
    assert_int_equal(toks[0].sched, SCHED_NONE);
    assert_int_equal(toks[1].sub, SPAN_IN);
    assert_int_equal(toks[1].unit, UNIT_MINUTES);
    assert_int_equal(toks[1].micro, 150000000);
    assert_int_equal(LEX("remind every 2.5 hours", codes, toks), 2);
    assert_int_equal(toks[1].sub, SPAN_EVERY);
    assert_int_equal(toks[1].unit, UNIT_HOURS);
    assert_int_equal(toks[1].micro, 2500000);
    assert_int_equal(LEX("alert after 3 days", codes, toks), 2);
    assert_int_equal(toks[1].sub, SPAN_AFTER);
    assert_int_equal(toks[1].unit, UNIT_DAYS);
    assert_int_equal(LEX("alert 4", codes, toks), 2);
    assert_int_equal(codes[1], TK_NUMBER);
    assert_int_equal(LEX("remind in 3", codes, toks), 2);
    assert_int_equal(toks[1].unit, 0); /* a number without a unit: asked */
    assert_int_equal(LEX("cancel all reminders", codes, toks), 1);
    assert_int_equal(toks[0].sched, SCHED_OFF);
    assert_int_equal(LEX("reminders", codes, toks), 1);
    assert_int_equal(toks[0].sched, SCHED_SHOW);
    assert_int_equal(LEX("no summary", codes, toks), 1);
    assert_int_equal(toks[0].sub, CMD_SUMMARY);
    assert_int_equal(toks[0].sched, SCHED_OFF);
    assert_int_equal(LEX("/stopreminders@MilkBot", codes, toks), 1);
    assert_int_equal(toks[0].sched, SCHED_OFF);
    assert_int_equal(LEX("weekly summary", codes, toks), 1);
    assert_int_equal(toks[0].sub, CMD_WEEK);
    assert_int_equal(LEX("next feed?", codes, toks), 2);
    assert_int_equal(toks[0].sub, CMD_NEXT);
    assert_int_equal(LEX("next side", codes, toks), 1);
    assert_int_equal(toks[0].sub, CMD_LAST);
}

/* A NUL byte inside the input is a separator, not the end. */
static void test_nul_bytes(void **state) {
    (void)state;
    int codes[16];
    static const char text[] = "120ml\0formula";
    assert_int_equal(lex_all(text, sizeof text - 1, codes, NULL, 16), 2);
    assert_int_equal(codes[1], TK_KIND);

    phrase p;
    phrase_parse(text, sizeof text - 1, &p);
    assert_int_equal(p.intent, PHRASE_RECORD);
    assert_int_equal(p.kind, PHRASE_FORMULA);

    phrase_parse("\0\0\0", 3, &p);
    assert_int_equal(p.intent, PHRASE_ERROR);
}

/* Invalid UTF-8 in a note becomes U+FFFD, so output is always valid. */
static void test_invalid_utf8_note(void **state) {
    (void)state;
    phrase p;
    static const char text[] = "120ml \xff\xfe sleepy\xC3";
    phrase_parse(text, sizeof text - 1, &p);
    assert_int_equal(p.intent, PHRASE_RECORD);
    assert_string_equal(p.note, "\xEF\xBF\xBD\xEF\xBF\xBD sleepy\xEF\xBF\xBD");

    /* in an error message too */
    static const char bad[] = "\xc0\xaf";
    phrase_parse(bad, sizeof bad - 1, &p);
    assert_int_equal(p.intent, PHRASE_ERROR);
    assert_non_null(strstr(p.message, "\xEF\xBF\xBD\xEF\xBF\xBD"));
}

/* Control characters never reach a note. */
static void test_control_characters(void **state) {
    (void)state;
    phrase p;
    static const char text[] = "120ml a\x01" "b\x1b[m";
    phrase_parse(text, sizeof text - 1, &p);
    assert_int_equal(p.intent, PHRASE_RECORD);
    assert_null(strchr(p.note, '\x1b'));
    assert_null(strchr(p.note, '\x01'));
    /* a hint built from a glued run ("1<VT>M%L": did you mean ...?) quotes
     * it cleaned, as any user text (found by fuzz_bot) */
    static const char hinted[] = "1\vM%L";
    phrase_parse(hinted, sizeof hinted - 1, &p);
    assert_int_equal(p.intent, PHRASE_ERROR);
    assert_null(strchr(p.message, '\v'));
    /* a terminal colour code holds digits: refused, and not quoted raw */
    static const char coloured[] = "120ml \x1b[31mred";
    phrase_parse(coloured, sizeof coloured - 1, &p);
    assert_int_equal(p.intent, PHRASE_ERROR);
    assert_null(strchr(p.message, '\x1b'));
}

/* 100 KB lines of every shape are parsed without overrunning anything. */
static void test_huge_lines(void **state) {
    (void)state;
    const size_t size = 100 * 1024;
    char *text = malloc(size);
    phrase p;
    static const char *const fills[] = {"a ", "9", "12:30pm ", "\xff", "?",
                                        "120ml ", "tz ", "ago "};
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        size_t n = strlen(fills[f]);
        for (size_t i = 0; i < size; i++) text[i] = fills[f][i % n];
        phrase_parse(text, size, &p);
        assert_true(p.intent >= PHRASE_ERROR && p.intent <= PHRASE_HELP);
        assert_true(strlen(p.message) <= PHRASE_MESSAGE_MAX);
    }
    /* 100 KB of words in a feeding: the note does not fit, and says so */
    for (size_t i = 0; i < size; i++) text[i] = "word "[i % 5];
    memcpy(text, "120ml ", 6);
    phrase_parse(text, size, &p);
    assert_int_equal(p.intent, PHRASE_ERROR);
    assert_non_null(strstr(p.message, "note is too long"));
    free(text);
}

/* A long word in an error message is cut, with an ellipsis. */
static void test_long_word_is_cut_in_message(void **state) {
    (void)state;
    char text[300];
    memset(text, 'x', sizeof text);
    phrase p;
    phrase_parse(text, sizeof text, &p);
    assert_int_equal(p.intent, PHRASE_ERROR);
    assert_non_null(strstr(p.message, "\xE2\x80\xA6\""));
    assert_true(strlen(p.message) < 150);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_table),
        cmocka_unit_test(test_token_values),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_invalid_utf8_note),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_huge_lines),
        cmocka_unit_test(test_long_word_is_cut_in_message),
    };
    return cmocka_run_group_tests_name("phrase_lexer", tests, NULL, NULL);
}
