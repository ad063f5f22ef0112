/* ca_bundle.c -- see ca_bundle.h. */
#include "ca_bundle.h"
#include "ca_store.h"

#include <errno.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *default_path;

void ca_bundle_set_default(const char *path) { default_path = path; }

const char *ca_bundle_path(void) {
    const char *path = getenv("MILKBOT_CA_BUNDLE");
    return path && path[0] ? path : default_path;
}

/* the file's store, made by the first check or handshake that needs it
 * (the others wait for it); NULL with store_err if it could not be */
static pthread_once_t store_once = PTHREAD_ONCE_INIT;
static X509_STORE *store;
static char store_err[400];

/* the setting as it is when first needed: read once, like the file */
static void open_store(void) {
    const char *path = ca_bundle_path();
    if (path == NULL) {
        snprintf(store_err, sizeof store_err, "no CA certificates file named");
        return;
    }
    store = ca_store_open(path, store_err, sizeof store_err);
}

int ca_bundle_check(char *err, size_t errlen) {
    const char *path = ca_bundle_path();
    if (path == NULL || access(path, R_OK) == 0) return 0;
    snprintf(err, errlen, "CA certificates %.300s: %s (set MILKBOT_CA_BUNDLE "
             "to the file of trusted CA certificates)", path, strerror(errno));
    return -1;
}

int ca_bundle_load(char *err, size_t errlen) {
    if (ca_bundle_check(err, errlen) != 0) return -1;
    if (ca_bundle_path() == NULL) return 0;
    pthread_once(&store_once, open_store);
    if (store == NULL) {
        snprintf(err, errlen, "%.400s (set MILKBOT_CA_BUNDLE to the file of "
                 "trusted CA certificates)", store_err);
        return -1;
    }
    return 0;
}

/* libcurl's CURLOPT_SSL_CTX_FUNCTION: before each TLS handshake */
static CURLcode use_store(CURL *curl, void *ssl_ctx, void *unused) {
    (void)curl, (void)unused;
    pthread_once(&store_once, open_store);
    if (store == NULL) return CURLE_SSL_CACERT_BADFILE;
    /* the context takes a reference: the store outlives every handle */
    SSL_CTX_set1_cert_store(ssl_ctx, store);
    return CURLE_OK;
}

void ca_bundle_apply(CURL *curl) {
    const char *path = ca_bundle_path();
    if (path == NULL) return;
    if (curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, use_store) == CURLE_OK) {
        /* nothing for libcurl to read itself: the store has it all */
        curl_easy_setopt(curl, CURLOPT_CAINFO, NULL);
        curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
    } else { /* not OpenSSL: libcurl reads the file itself */
        curl_easy_setopt(curl, CURLOPT_CAINFO, path);
    }
}
