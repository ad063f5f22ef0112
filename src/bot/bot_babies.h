/* bot_babies.h -- the family's babies: naming them ("babies Mia Leo"), and
 * telling whose a feeding is ("120ml Mia", "both 60ml each").
 *
 * A family that names no babies has one, and nothing changes for it: its
 * feedings name nobody. A family that names one has that baby: every
 * feeding is its. A family that names two or more (twins, triplets) must
 * say whose each feeding is -- the name anywhere in the line ("120ml Mia",
 * "Leo 90 formula", "gave Mia 4oz"), or "both ... each" for one feeding
 * per baby -- and a line that names none gets a question back, never a
 * guess. Names are matched whole and in any case; the name, and a "for"
 * before it, leave the note. */
#ifndef MILKBOT_BOT_BABIES_H
#define MILKBOT_BOT_BABIES_H

#include "store/store.h"

#include <stddef.h>

typedef struct {
    int count;
    char names[STORE_BABIES_MAX][STORE_BABY_MAX];
} bot_babies;

/* The babies a settings list names ("Mia,Leo"; "": none). */
void bot_babies_from_list(const char *list, bot_babies *out);

/* Reads the names a parent gave ("Mia Leo", "Mia and Leo", "Mia, Leo";
 * "none" for none) into *out and its settings list into `list` (room for
 * STORE_BABIES_MAX * STORE_BABY_MAX bytes). Returns 0, or -1 with a
 * message for the parent in `error`. */
int bot_babies_read(const char *text, bot_babies *out, char *list, char *error,
                    size_t errlen);

/* Whose a feeding line is: `note` is the line's note (changed: the names
 * it held are taken out), `both` whether it said "both ... each". Fills
 * whose[] with the babies it is for (*n of them: 1, or every baby for
 * "both"; one "" when the family named none). Returns 0, or -1 with a
 * message for the parent in `error` (which baby? one baby per line). */
int bot_babies_whose(const bot_babies *b, int both, char *note,
                     char whose[][STORE_BABY_MAX], int *n, char *error,
                     size_t errlen);

/* How many words of `text` (len bytes) name the babies: their names (and
 * possessives), with a "for" just before one ("120ml for Mia"). */
int bot_babies_named(const bot_babies *b, const char *text, size_t len);

/* The index of `name` among the babies; b->count for "" or another (a
 * feeding from before they were named). */
int bot_babies_index(const bot_babies *b, const char *name);

#endif
