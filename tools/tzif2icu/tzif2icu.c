/* tzif2icu.c -- ICU's zone rules (zoneinfo64) from the machine's tzdata.
 *
 * usage: tzif2icu ZONEINFO_DIR OUTPUT.txt
 *
 * Why: ICU 72, as Debian 12 ships it, carries the zone rules of tzdata 2022e
 * built in; Mexico, Egypt, Paraguay, Kazakhstan, Greenland and others have
 * changed their clocks since. Debian keeps /usr/share/zoneinfo current with
 * stable updates, so the bot's rules are built from there: rebuild after a
 * tzdata update and the rules follow.
 *
 * How: ICU's own converter (tz2icu) reads the tz source files, which the
 * machine does not have; the compiled TZif files carry the same facts. For
 * every zone listed in ZONEINFO_DIR/tzdata.zi this reads its TZif file:
 *   - the transitions become zoneinfo64's "trans"/"transPre32"/"transPost32"
 *     (32-bit halves), each with its (raw offset, saving) pair in
 *     "typeOffsets" and "typeMap". TZif gives only the total offset and a
 *     DST flag, so a daylight period's raw offset is the standard offset
 *     around it;
 *   - the POSIX TZ footer becomes the zone's "finalRule" (ICU's
 *     SimpleTimeZone), used from Jan 1 of "finalYear": the first year from
 *     which the rule reproduces every listed transition, so the listed ones
 *     before it are kept and the rest are left to the rule (ICU's own data
 *     does the same);
 *   - links ("L" lines) become aliases, and so do the ids only ICU knew
 *     ("IST", "PST", ...: read from the ICU this tool links, which still has
 *     its built-in data) when their target is a tzdata zone;
 *   - "Names" are sorted (ICU searches them by bisection), "Regions" come
 *     from zone.tab, and "TZVersion" from tzdata.zi's "# version" line.
 * genrb compiles the output into zoneinfo64.res; see CMakeLists.txt for how
 * it reaches the programs (src/clock/zone_rules.c installs it). Zone ids
 * keep ICU's canonicalisation (CLDR's), which src/clock/zone.c maps to
 * IANA's spelling. */
#include "posix_tz.h"
#include "tzif.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

#define MAX_ID 128

typedef struct {
    char id[MAX_ID];
    char target[MAX_ID]; /* "" for a zone, else what it is an alias of */
    char region[8];
    int index;           /* position in Names */
    int zone;            /* for an alias: the entry of the zone it names */
} entry;

typedef struct {
    entry *items;
    size_t count, cap;
} entry_list;

static const char *program = "tzif2icu";

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static entry *entry_add(entry_list *list, const char *id, const char *target) {
    if (strlen(id) >= MAX_ID || strlen(target) >= MAX_ID) die("id too long: %s", id);
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 1024;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (list->items == NULL) die("out of memory");
    }
    entry *e = &list->items[list->count++];
    memset(e, 0, sizeof *e);
    strcpy(e->id, id);
    strcpy(e->target, target);
    return e;
}

static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

static entry *entry_find(entry_list *list, const char *id) {
    entry probe = {0};
    if (strlen(id) >= MAX_ID) return NULL;
    strcpy(probe.id, id);
    return bsearch(&probe, list->items, list->count, sizeof *list->items, entry_cmp);
}

/* tzdata.zi: "# version 2025b", "Z NAME ...", "L TARGET NAME". */
static void read_tzdata_zi(const char *dir, entry_list *list, char *version,
                           size_t versionlen) {
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/tzdata.zi", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) die("%s: cannot read (Debian's tzdata package installs it)", path);
    version[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        char a[MAX_ID], b[MAX_ID];
        if (sscanf(line, "# version %31s", a) == 1 && strlen(a) < versionlen)
            strcpy(version, a);
        else if (line[0] == 'Z' && sscanf(line, "Z %127s", a) == 1)
            entry_add(list, a, "");
        else if (line[0] == 'L' && sscanf(line, "L %127s %127s", a, b) == 2)
            entry_add(list, b, a);
    }
    fclose(f);
    if (version[0] == '\0') die("%s: no \"# version\" line", path);
}

/* zone.tab: "CC<TAB>coordinates<TAB>Zone/Id..." */
static void read_regions(const char *dir, entry_list *list) {
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/zone.tab", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) return; /* regions are informative; "001" then */
    while (fgets(line, sizeof line, f)) {
        char cc[8], coords[64], id[MAX_ID];
        if (line[0] == '#' || sscanf(line, "%7s %63s %127s", cc, coords, id) != 3)
            continue;
        entry *e = entry_find(list, id);
        if (e && strlen(cc) == 2) strcpy(e->region, cc);
    }
    fclose(f);
}

/* The ids ICU 72 has that tzdata does not (Java's "IST", "PST", ...), as
 * aliases of the tzdata zone ICU maps them to: dropping them would refuse a
 * zone the bot accepted before. Ids whose target tzdata lacks (ICU's old
 * SystemV ids) are left out: their rules are tzdata 2022e's at best. */
static void add_icu_only_ids(entry_list *list, size_t *dropped) {
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *ids =
        ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_ANY, NULL, NULL, &status);
    if (U_FAILURE(status)) die("ICU cannot list its zones: %s", u_errorName(status));
    size_t known = list->count;
    const char *id;
    int32_t len;
    while ((id = uenum_next(ids, &len, &status)) != NULL && U_SUCCESS(status)) {
        entry probe = {0};
        if (len >= MAX_ID) continue;
        strcpy(probe.id, id);
        if (bsearch(&probe, list->items, known, sizeof *list->items, entry_cmp))
            continue;
        UChar in[MAX_ID], out[MAX_ID];
        UBool is_system = 0;
        UErrorCode st = U_ZERO_ERROR;
        u_charsToUChars(id, in, len + 1);
        int32_t n = ucal_getCanonicalTimeZoneID(in, -1, out, MAX_ID - 1, &is_system, &st);
        if (U_SUCCESS(st) && n > 0 && n < MAX_ID) {
            char canonical[MAX_ID];
            u_UCharsToChars(out, canonical, n);
            canonical[n] = '\0';
            strcpy(probe.id, canonical);
            if (bsearch(&probe, list->items, known, sizeof *list->items, entry_cmp)) {
                entry_add(list, id, canonical);
                continue;
            }
        }
        fprintf(stderr, "%s%s", *dropped ? " " : "tzif2icu: ICU-only ids left out: ", id);
        ++*dropped;
    }
    if (*dropped) fputc('\n', stderr);
    uenum_close(ids);
    qsort(list->items, list->count, sizeof *list->items, entry_cmp);
}

/* --- one zone's rules ------------------------------------------------------ */

typedef struct {
    int32_t raw, dst;
} offsets;

typedef struct {
    size_t count;
    int64_t *at;
    offsets *after;   /* the offsets from at[i] on */
    offsets initial;  /* before at[0] */
    int has_final;
    int32_t final_rule[11], final_raw;
    int final_year;
} icu_zone;

/* TZif's (total, DST flag) per period as ICU's (raw, saving): a daylight
 * period's raw offset is the nearest standard period's, before or after. */
static void split_offsets(const tzif_zone *tz, int64_t *at, offsets *period,
                          size_t *count) {
    size_t n = tz->count, first = 0;
    /* zic's "big bang" transition at -2^59 only restates the first type */
    int start_type = 0;
    while (first < n && tz->at[first] < -((int64_t)1 << 40)) start_type = tz->type[first++];
    size_t periods = n - first + 1;
    int *type = malloc(periods * sizeof *type);
    if (type == NULL) die("out of memory");
    type[0] = start_type;
    for (size_t i = first; i < n; i++) {
        at[i - first] = tz->at[i];
        type[i - first + 1] = tz->type[i];
    }
    for (size_t p = 0; p < periods; p++) {
        const tzif_type *t = &tz->types[type[p]];
        period[p].raw = t->utoff;
        period[p].dst = 0;
        if (!t->isdst) continue;
        long q;
        for (q = (long)p - 1; q >= 0 && tz->types[type[q]].isdst; q--) {}
        if (q < 0)
            for (q = (long)p + 1; q < (long)periods && tz->types[type[q]].isdst; q++) {}
        if (q >= (long)periods) continue;
        int32_t raw = tz->types[type[q]].utoff;
        /* a negative saving (Ireland's winter "GMT") stays standard time:
         * the total is what matters, and ICU wants savings positive */
        if (t->utoff - raw >= 0) {
            period[p].raw = raw;
            period[p].dst = t->utoff - raw;
        }
    }
    free(type);
    *count = periods - 1;
}

static int32_t total(offsets o) { return o.raw + o.dst; }

/* transitions added from the footer: two years' worth */
#define FOOTER_EXTRA 4

/* ICU's (raw, saving) for an offset the footer's rule gives; a negative
 * saving stays standard time, as in split_offsets. */
static offsets rule_offsets(const posix_tz *rule, int32_t utoff) {
    offsets o = {utoff, 0};
    if (utoff == rule->dst_utoff && rule->dst_utoff > rule->std_utoff) {
        o.raw = rule->std_utoff;
        o.dst = rule->dst_utoff - rule->std_utoff;
    }
    return o;
}

/* Whether the footer's rule, used from Jan 1 of `year`, gives the offset in
 * force at that instant and then exactly the listed changes of offset. */
static int rule_takes_over(const posix_tz *rule, int year, const int64_t *at,
                           const offsets *period, size_t count) {
    int64_t from = tz_days_from_civil(year, 1, 1) * 86400;
    int64_t last = count ? at[count - 1] : from;
    int last_year = tz_year_of(last) + 1;
    if (last_year < year) last_year = year;
    size_t cap = 2 * (size_t)(last_year - year + 2);
    int64_t *t = malloc(cap * sizeof *t);
    int32_t *after = malloc(cap * sizeof *after);
    if (t == NULL || after == NULL) die("out of memory");
    size_t n = 0;
    for (int y = year - 1; y <= last_year; y++, n += 2)
        posix_tz_year(rule, y, t + n, after + n);
    /* the offsets at `from` */
    size_t i = 0, k = 0;
    while (i < count && at[i] <= from) i++;
    int32_t listed = total(period[i]), ruled = after[0];
    while (k < n && t[k] <= from) ruled = after[k++];
    int same = listed == ruled;
    /* every change after it, up to the last listed transition */
    for (; same && i < count; i++) {
        int32_t next = total(period[i + 1]);
        if (next == listed) continue; /* a change of name only */
        same = k < n && t[k] == at[i] && after[k] == next;
        listed = next;
        k++;
    }
    same = same && (k == n || t[k] > last);
    free(t);
    free(after);
    return same;
}

static void convert_zone(const char *dir, const char *id, icu_zone *z,
                         size_t *rule_warnings) {
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, id);
    tzif_zone tz;
    if (tzif_read(path, &tz, err, sizeof err) != 0) die("%s", err);
    int64_t *at = calloc(tz.count + 1 + FOOTER_EXTRA, sizeof *at);
    offsets *period = calloc(tz.count + 2 + FOOTER_EXTRA, sizeof *period);
    if (at == NULL || period == NULL) die("out of memory");
    size_t count;
    split_offsets(&tz, at, period, &count);

    memset(z, 0, sizeof *z);
    posix_tz rule;
    if (tz.footer[0] && posix_tz_parse(tz.footer, &rule) != 0) {
        fprintf(stderr, "%s: %s: TZ string \"%s\" not understood; "
                "its listed transitions are kept, and the last offset after them\n",
                program, id, tz.footer);
        ++*rule_warnings;
    } else if (tz.footer[0] && rule.has_dst) {
        /* after the last listed transition the footer rules: a "slim" file
         * (zic's default) lists nothing it can compute, so list the rule's
         * changes to the end of the next year before looking for the year
         * it takes over from */
        int from_year = count ? tz_year_of(at[count - 1]) : 1970;
        for (int y = from_year; y <= from_year + 1; y++) {
            int64_t t[2];
            int32_t after[2];
            posix_tz_year(&rule, y, t, after);
            for (int k = 0; k < 2; k++) {
                if (count && t[k] <= at[count - 1]) continue;
                at[count] = t[k];
                period[count + 1] = rule_offsets(&rule, after[k]);
                count++;
            }
        }
        int first = count ? tz_year_of(at[0]) + 1 : 1970;
        int last = count ? tz_year_of(at[count - 1]) + 1 : 1970;
        int year;
        for (year = first; year <= last; year++)
            if (rule_takes_over(&rule, year, at, period, count)) break;
        if (year <= last && posix_tz_to_icu(&rule, z->final_rule, &z->final_raw) == 0) {
            z->has_final = 1;
            z->final_year = year;
            int64_t from = tz_days_from_civil(year, 1, 1) * 86400;
            while (count > 0 && at[count - 1] >= from) count--;
        } else {
            fprintf(stderr, "%s: %s: %s \"%s\"; the transitions listed (to %d) "
                    "are kept, and the last offset after them\n", program, id,
                    year > last ? "no year from which the listed transitions "
                                  "follow the rule"
                                : "ICU's rules cannot state the rule",
                    tz.footer, last - 1);
            ++*rule_warnings;
        }
    }
    /* keep only the transitions that change ICU's (raw, saving) */
    z->initial = period[0];
    z->at = malloc((count + 1) * sizeof *z->at);
    z->after = malloc((count + 1) * sizeof *z->after);
    if (z->at == NULL || z->after == NULL) die("out of memory");
    offsets now = period[0];
    for (size_t i = 0; i < count; i++) {
        offsets next = period[i + 1];
        if (next.raw == now.raw && next.dst == now.dst) continue;
        z->at[z->count] = at[i];
        z->after[z->count++] = next;
        now = next;
    }
    free(at);
    free(period);
    tzif_free(&tz);
}

/* --- genrb's text form -------------------------------------------------- */

static void write_ints(FILE *out, const char *key, const int32_t *v, size_t n) {
    fprintf(out, "            %s:intvector { ", key);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s%ld", i ? ", " : "", (long)v[i]);
    fputs(" }\n", out);
}

static void write_zone(FILE *out, const entry_list *list, const entry *e,
                       const icu_zone *z, char rule_names[][16],
                       int32_t (*rules)[11], size_t *rule_count) {
    fprintf(out, "        /* %s */ :table {\n", e->id);
    offsets types[256];
    size_t type_count = 1;
    types[0] = z->initial;
    uint8_t *map = malloc(z->count + 1);
    int32_t *pre = malloc((z->count + 1) * 2 * sizeof *pre);
    int32_t *mid = malloc((z->count + 1) * sizeof *mid);
    int32_t *post = malloc((z->count + 1) * 2 * sizeof *post);
    if (!map || !pre || !mid || !post) die("out of memory");
    size_t npre = 0, nmid = 0, npost = 0;
    for (size_t i = 0; i < z->count; i++) {
        size_t t;
        for (t = 0; t < type_count; t++)
            if (types[t].raw == z->after[i].raw && types[t].dst == z->after[i].dst) break;
        if (t == type_count) {
            if (type_count == 256) die("%s: more than 256 offsets", e->id);
            types[type_count++] = z->after[i];
        }
        map[i] = (uint8_t)t;
        int64_t a = z->at[i];
        if (a < INT32_MIN || a > INT32_MAX) {
            int32_t *pair = a < 0 ? pre + 2 * npre++ : post + 2 * npost++;
            pair[0] = (int32_t)(uint32_t)((uint64_t)a >> 32);
            pair[1] = (int32_t)(uint32_t)(uint64_t)a;
        } else {
            mid[nmid++] = (int32_t)a;
        }
    }
    if (npre) write_ints(out, "transPre32", pre, 2 * npre);
    if (nmid) write_ints(out, "trans", mid, nmid);
    if (npost) write_ints(out, "transPost32", post, 2 * npost);
    int32_t flat[512];
    for (size_t t = 0; t < type_count; t++) {
        flat[2 * t] = types[t].raw;
        flat[2 * t + 1] = types[t].dst;
    }
    write_ints(out, "typeOffsets", flat, 2 * type_count);
    if (z->count) {
        fputs("            typeMap:bin { \"", out);
        for (size_t i = 0; i < z->count; i++) fprintf(out, "%02x", map[i]);
        fputs("\" }\n", out);
    }
    if (z->has_final) {
        size_t r;
        for (r = 0; r < *rule_count; r++)
            if (memcmp(rules[r], z->final_rule, sizeof rules[r]) == 0) break;
        if (r == *rule_count) {
            memcpy(rules[r], z->final_rule, sizeof rules[r]);
            snprintf(rule_names[r], 16, "R%zu", r);
            ++*rule_count;
        }
        fprintf(out, "            finalRule { \"%s\" }\n", rule_names[r]);
        fprintf(out, "            finalRaw:int { %ld }\n", (long)z->final_raw);
        fprintf(out, "            finalYear:int { %d }\n", z->final_year);
    }
    /* every name of this zone, itself included (TimeZone::getEquivalentID) */
    int32_t links[256];
    size_t nlinks = 0;
    for (size_t i = 0; i < list->count && nlinks < 256; i++)
        if (list->items[i].zone == e->index) links[nlinks++] = (int32_t)i;
    if (nlinks > 1) write_ints(out, "links", links, nlinks);
    fputs("        }\n", out);
    free(map);
    free(pre);
    free(mid);
    free(post);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s ZONEINFO_DIR OUTPUT.txt\n", program);
        return 2;
    }
    const char *dir = argv[1];
    entry_list list = {0};
    char version[32];
    read_tzdata_zi(dir, &list, version, sizeof version);
    qsort(list.items, list.count, sizeof *list.items, entry_cmp);
    for (size_t i = 1; i < list.count; i++)
        if (strcmp(list.items[i - 1].id, list.items[i].id) == 0)
            die("%s is listed twice in tzdata.zi", list.items[i].id);
    size_t tzdata_ids = list.count, dropped = 0;
    add_icu_only_ids(&list, &dropped);
    read_regions(dir, &list);
    /* resolve aliases to zones (a link may name a link), then regions */
    for (size_t i = 0; i < list.count; i++) list.items[i].index = (int)i;
    for (size_t i = 0; i < list.count; i++) {
        entry *e = &list.items[i];
        int hops = 0;
        while (e->target[0]) {
            entry *next = entry_find(&list, e->target);
            if (next == NULL || ++hops > 8)
                die("%s: alias of %s, which is not a zone", list.items[i].id, e->target);
            e = next;
        }
        list.items[i].zone = e->index;
    }
    for (size_t i = 0; i < list.count; i++) {
        entry *e = &list.items[i];
        if (e->region[0] == '\0') {
            const entry *z = &list.items[e->zone];
            strcpy(e->region, z->region[0] && e->target[0] ? z->region : "001");
        }
    }

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *out = fopen(tmp, "w");
    if (out == NULL) die("%s: cannot write", tmp);
    fprintf(out, "// Generated by tzif2icu from %s (tzdata %s). Do not edit.\n",
            dir, version);
    fputs("zoneinfo64:table(nofallback) {\n", out);
    fprintf(out, "    TZVersion { \"%s\" }\n", version);
    fputs("    Zones:array {\n", out);
    static char rule_names[512][16];
    static int32_t rules[512][11];
    size_t rule_count = 0, warnings = 0, zones = 0;
    for (size_t i = 0; i < list.count; i++) {
        const entry *e = &list.items[i];
        if (e->target[0]) {
            fprintf(out, "        /* %s */ :int { %d }\n", e->id, e->zone);
            continue;
        }
        icu_zone z;
        convert_zone(dir, e->id, &z, &warnings);
        if (rule_count >= 500) die("too many distinct rules");
        write_zone(out, &list, e, &z, rule_names, rules, &rule_count);
        free(z.at);
        free(z.after);
        zones++;
    }
    fputs("    }\n    Names:array {\n", out);
    for (size_t i = 0; i < list.count; i++) fprintf(out, "        \"%s\",\n", list.items[i].id);
    fputs("    }\n    Rules {\n", out);
    for (size_t r = 0; r < rule_count; r++) {
        fprintf(out, "        %s:intvector { ", rule_names[r]);
        for (int k = 0; k < 11; k++)
            fprintf(out, "%s%ld", k ? ", " : "", (long)rules[r][k]);
        fputs(" }\n", out);
    }
    fputs("    }\n    Regions:array {\n", out);
    for (size_t i = 0; i < list.count; i++)
        fprintf(out, "        \"%s\",\n", list.items[i].region);
    fputs("    }\n}\n", out);
    if (fclose(out) != 0 || rename(tmp, argv[2]) != 0) die("%s: cannot write", argv[2]);
    fprintf(stderr, "%s: tzdata %s: %zu zones, %zu links and aliases (%zu from ICU; "
            "%zu ICU-only ids without a tzdata zone left out), %zu rules, %zu warnings\n",
            program, version, zones, list.count - zones, list.count - tzdata_ids,
            dropped, rule_count, warnings);
    free(list.items);
    return 0;
}
