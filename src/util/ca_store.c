/* ca_store.c -- see ca_store.h. */
#include "ca_store.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One PEM block of the file. */
typedef struct {
    X509_NAME *subject;
    unsigned char *der;
    long len;
    int trusted; /* TRUSTED CERTIFICATE: DER followed by OpenSSL's trust settings */
    int tried;   /* parsed (and added to the store) or found unparsable */
} ca_entry;

typedef struct {
    ca_entry *entries;
    size_t count;
    pthread_mutex_t lock; /* two handshakes on two threads may look up at once */
} ca_file;

static size_t parsed_total;

size_t ca_store_parsed(void) {
    return __atomic_load_n(&parsed_total, __ATOMIC_RELAXED);
}

static void ca_file_free(ca_file *f) {
    if (f == NULL) return;
    for (size_t i = 0; i < f->count; i++) {
        X509_NAME_free(f->entries[i].subject);
        OPENSSL_free(f->entries[i].der);
    }
    free(f->entries);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* Reads the DER element at *p (before end): *start is where it begins,
 * *total its length with its header; with `enter`, *p is left at its
 * content, else after it. Returns 0, or -1 when it is not well formed. */
static int der_element(const unsigned char **p, const unsigned char *end,
                       int enter, const unsigned char **start, long *total,
                       int *tag, int *cls) {
    long len;
    *start = *p;
    int flags = ASN1_get_object(p, &len, tag, cls, end - *p);
    if ((flags & 0x80) || (flags & 0x01)) return -1; /* bad, or indefinite */
    if (!enter) *p += len;
    *total = (*p - *start) + (enter ? len : 0);
    return 0;
}

/* The subject Name of a certificate's DER, read alone: Certificate ->
 * tbsCertificate -> [0] version?, serialNumber, signature, issuer,
 * validity, subject (RFC 5280, 4.1). NULL if it cannot be found. */
static X509_NAME *subject_of(const unsigned char *der, long len) {
    const unsigned char *p = der, *end = der + len, *start;
    long total;
    int tag, cls;
    if (der_element(&p, end, 1, &start, &total, &tag, &cls) != 0 ||
        der_element(&p, end, 1, &start, &total, &tag, &cls) != 0)
        return NULL;
    const unsigned char *before = p;
    if (der_element(&p, end, 0, &start, &total, &tag, &cls) != 0) return NULL;
    if (!(cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0)) p = before; /* no version */
    for (int skip = 0; skip < 4; skip++) /* serial, signature, issuer, validity */
        if (der_element(&p, end, 0, &start, &total, &tag, &cls) != 0) return NULL;
    if (der_element(&p, end, 0, &start, &total, &tag, &cls) != 0 ||
        tag != V_ASN1_SEQUENCE)
        return NULL;
    return d2i_X509_NAME(NULL, &start, total);
}

static int add_entry(ca_file *f, size_t *cap, unsigned char *der, long len,
                     int trusted) {
    X509_NAME *subject = subject_of(der, len);
    if (subject == NULL) return -1;
    if (f->count == *cap) {
        size_t more = *cap ? *cap * 2 : 64;
        ca_entry *grown = realloc(f->entries, more * sizeof *grown);
        if (grown == NULL) {
            X509_NAME_free(subject);
            return -1;
        }
        f->entries = grown;
        *cap = more;
    }
    f->entries[f->count++] = (ca_entry){subject, der, len, trusted, 0};
    return 0;
}

static ca_file *ca_file_read(const char *path, char *err, size_t errlen) {
    BIO *in = BIO_new_file(path, "r");
    if (in == NULL) {
        snprintf(err, errlen, "CA certificates %.300s: cannot be opened", path);
        ERR_clear_error();
        return NULL;
    }
    ca_file *f = calloc(1, sizeof *f);
    if (f == NULL || pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f);
        BIO_free(in);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t cap = 0, blocks = 0;
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    int failed = 0;
    while (PEM_read_bio(in, &name, &header, &data, &len) == 1) {
        blocks++;
        int trusted = strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
        if (trusted || strcmp(name, PEM_STRING_X509) == 0 ||
            strcmp(name, PEM_STRING_X509_OLD) == 0) {
            if (add_entry(f, &cap, data, len, trusted) != 0) {
                failed = 1;
                OPENSSL_free(data);
            }
        } else {
            OPENSSL_free(data); /* a CRL, a key: not a CA certificate */
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        name = header = NULL;
        data = NULL;
        if (failed) break;
    }
    /* the loop ends at the end of the file ("no start line") or at a
     * block that is not PEM */
    unsigned long why = ERR_peek_last_error();
    int at_end = ERR_GET_LIB(why) == ERR_LIB_PEM && ERR_GET_REASON(why) == PEM_R_NO_START_LINE;
    ERR_clear_error();
    BIO_free(in);
    if (failed || !at_end) {
        snprintf(err, errlen, "CA certificates %.300s: block %zu is not a "
                 "readable certificate", path, blocks + (failed ? 0 : 1));
        ca_file_free(f);
        return NULL;
    }
    if (f->count == 0) {
        snprintf(err, errlen, "CA certificates %.300s: no certificate in it", path);
        ca_file_free(f);
        return NULL;
    }
    return f;
}

/* The lookup: every certificate of the file whose subject is `name`,
 * parsed (once) and added to the store, and one of them handed back, as
 * OpenSSL's hashed-directory lookup does. */
static int by_subject(X509_LOOKUP *lookup, X509_LOOKUP_TYPE type,
                      const X509_NAME *name, X509_OBJECT *ret) {
    ca_file *f = X509_LOOKUP_get_method_data(lookup);
    X509_STORE *store = X509_LOOKUP_get_store(lookup);
    if (type != X509_LU_X509 || f == NULL || store == NULL) return 0;
    int found = 0;
    /* what parsing leaves on OpenSSL's error queue is this lookup's own:
     * the handshake's errors before it stay */
    ERR_set_mark();
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->count; i++) {
        ca_entry *e = &f->entries[i];
        if (X509_NAME_cmp(e->subject, name) != 0) continue;
        if (!e->tried) {
            const unsigned char *p = e->der;
            X509 *cert = e->trusted ? d2i_X509_AUX(NULL, &p, e->len)
                                    : d2i_X509(NULL, &p, e->len);
            e->tried = 1;
            if (cert != NULL) {
                X509_STORE_add_cert(store, cert);
                X509_free(cert);
                __atomic_fetch_add(&parsed_total, 1, __ATOMIC_RELAXED);
            }
        }
        found = 1;
    }
    pthread_mutex_unlock(&f->lock);
    ERR_pop_to_mark();
    if (!found) return 0;
    /* `ret` borrows the store's certificate, as the hashed-directory
     * lookup's does: its caller (X509_STORE_CTX_get_by_subject) takes
     * its own reference and never frees `ret`. set1 takes one, so it is
     * given back at once; the store's keeps the certificate alive. */
    X509_STORE_lock(store);
    X509_OBJECT *held = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store),
                                                        type, name);
    X509 *cert = held ? X509_OBJECT_get0_X509(held) : NULL;
    int ok = cert != NULL && X509_OBJECT_set1_X509(ret, cert);
    if (ok) X509_free(cert);
    X509_STORE_unlock(store);
    return ok;
}

static void lookup_free(X509_LOOKUP *lookup) {
    ca_file_free(X509_LOOKUP_get_method_data(lookup));
    X509_LOOKUP_set_method_data(lookup, NULL);
}

static pthread_once_t method_once = PTHREAD_ONCE_INIT;
static X509_LOOKUP_METHOD *method; /* made once, kept for the process */

static void make_method(void) {
    X509_LOOKUP_METHOD *m = X509_LOOKUP_meth_new("milkbot: a CA file, parsed on demand");
    if (m == NULL || !X509_LOOKUP_meth_set_get_by_subject(m, by_subject) ||
        !X509_LOOKUP_meth_set_free(m, lookup_free)) {
        X509_LOOKUP_meth_free(m);
        return;
    }
    method = m;
}

X509_STORE *ca_store_open(const char *path, char *err, size_t errlen) {
    ca_file *f = ca_file_read(path, err, errlen);
    if (f == NULL) return NULL;
    pthread_once(&method_once, make_method);
    X509_STORE *store = method ? X509_STORE_new() : NULL;
    X509_LOOKUP *lookup = store ? X509_STORE_add_lookup(store, method) : NULL;
    if (lookup == NULL) {
        X509_STORE_free(store);
        ca_file_free(f);
        snprintf(err, errlen, "OpenSSL could not make a certificate store");
        return NULL;
    }
    X509_LOOKUP_set_method_data(lookup, f);
    return store;
}
