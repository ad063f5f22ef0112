/* dynamodb_adopt.h -- the per-chat logs of versions before families become
 * a family's log.
 *
 * Before #15 every chat had its own partition, pk "chat#<chat>": its
 * feedings (sk "feed#<instant>#<message>.<line>"), its settings (zone,
 * receipts, message counter) and its per-day sums. The deployment's family
 * (MILKBOT_FAMILY) adopts them all, once, when its first message finds no
 * settings item of its own:
 *  - It claims the adoption: the item pk "meta", sk "adoption" names the
 *    family, written only if absent (or naming this family already: an
 *    adoption cut off is taken up again by its family's next message).
 *    Another family finds it named and adopts nothing.
 *  - One Scan (paged) finds every item whose pk begins with "chat#".
 *  - Each feeding is copied into the family's partition under its new key,
 *    only if absent there, so that a copy written already, or changed since
 *    by the new version, stays. It keeps everything: a removed one stays
 *    removed (removed_in its own chat: an undo was in its feeding's chat),
 *    a corrected one keeps its marks (now "m<chat>.<message>"). Its sender
 *    is the chat when the chat is private (a private chat's id is its
 *    user's), else not known (0). When its message was written: `sent`,
 *    where the old item has it; else no later than any feeding of it or of
 *    a later message of its chat was entered, which keeps each chat's order.
 *  - Last, the family's settings item is written: the zone of the chat that
 *    recorded last; the chats' receipts under their new keys ("<chat>.<M>",
 *    "edit:<chat>.<M>", "amend:<chat>.<M>"), so that an undo delivered
 *    again after the upgrade still removes nothing more; the chats' message
 *    counters; `adopted`, which settles it. Another family's first message
 *    writes a settings item without `adopted`, so that the deployment's
 *    family, if it later becomes that family, still adopts.
 * The old items stay as they were: nothing is deleted. Per-day sums are not
 * copied: the family's first write builds them again (dynamodb_sums.h).
 * A new family on a table without old logs costs three requests, once; an
 * old log one request per feeding (~1 ms each on dynalite here). One cut
 * off by the invocation's deadline answers 5xx, and Telegram delivers the
 * message again: the next try reads the family's partition once and
 * copies only what is not there yet, so every try goes further. */
#ifndef MILKBOT_STORE_DYNAMODB_ADOPT_H
#define MILKBOT_STORE_DYNAMODB_ADOPT_H

struct dynamo_store;

/* Begins `family`'s log, adopting the old per-chat logs if `adopts` (the
 * deployment's family: store_adopting_family) and no other family has.
 * Safe to repeat, and to run in several processes at once. Returns
 * STORE_OK, or STORE_ERROR with err saying why (then the family has not
 * begun, and its next message tries again). */
int adopt_legacy_logs(struct dynamo_store *s, const char *family, int adopts, char *err);

#endif
