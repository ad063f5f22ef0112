/* addressee.h -- whom a message in a group is for: this bot, another bot,
 * or nobody in particular (the family talking).
 *
 * Telegram delivers to a bot in a group, with privacy mode on (BotFather's
 * default): commands, replies to its messages and messages that mention
 * it; with privacy mode off, every message. A message is for this bot
 * when it is
 *   - a command naming it, "/total@ThisBot" (one naming another bot,
 *     "/total@OtherBot", is that bot's; a bare "/total" is for every bot
 *     in the group),
 *   - a mention of @ThisBot anywhere in it, or
 *   - a reply to one of this bot's messages.
 * The bot's user id is the number its token begins with; its username is
 * a setting (TELEGRAM_BOT_USERNAME): without it, mentions are not
 * recognised and every "/command@Name" is taken as this bot's.
 * In a private chat every message is for the bot. */
#ifndef MILKBOT_TG_ADDRESSEE_H
#define MILKBOT_TG_ADDRESSEE_H

#include "telegram/update.h"

#include <stddef.h>
#include <stdint.h>

#define TG_USERNAME_MAX 32 /* Telegram: 5 to 32 of A-Z, a-z, 0-9 and _ */

typedef struct {
    int64_t id;                         /* 0: not known */
    char username[TG_USERNAME_MAX + 1]; /* without '@'; "": not known */
} tg_bot_identity;

typedef enum {
    TG_FOR_NOBODY = 0,  /* the family talking (in a group) */
    TG_FOR_US,
    TG_FOR_EVERY_BOT,   /* a bare /command in a group: ours if we have it */
    TG_FOR_ANOTHER_BOT
} tg_addressee;

/* Sets the bot's identity from its token ("<id>:<secret>"; NULL or "":
 * id unknown) and username (NULL or "": unknown; a leading '@' is
 * dropped). Returns 0, or -1 with a message when the username is not one
 * Telegram gives (the token's secret part is never looked at or quoted). */
int tg_bot_identity_set(tg_bot_identity *me, const char *token,
                        const char *username, char *err, size_t errlen);

/* Whom `u` (a message or an edit) is for, and its text for the bot: a
 * copy without "@ThisBot" after a command or as a mention (malloc'd, into
 * *text; NULL when out of memory, then TG_FOR_NOBODY). */
tg_addressee tg_addressee_of(const tg_update *u, const tg_bot_identity *me,
                             char **text);

#endif
