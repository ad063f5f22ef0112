/* ca_store_test.c -- the CA store that parses certificates on demand
 * (util/ca_store.h): chains verify as with OpenSSL's own loader, only
 * the certificates a chain names are parsed, and bad files are refused
 * with their name. Certificates are made here with OpenSSL; the machine's
 * bundle, when there is one, is checked certificate by certificate
 * against OpenSSL's eager loader. */
#include "util/ca_store.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

typedef struct {
    EVP_PKEY *key;
    X509 *cert;
} issued;

/* A certificate for `cn`, signed by `by` (NULL: by itself), a CA or not. */
static issued make(const char *cn, const issued *by, int ca, long serial) {
    issued out = {EVP_EC_gen("P-256"), X509_new()};
    assert_non_null(out.key);
    X509 *x = out.cert;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"milkbot tests", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, by ? X509_get_subject_name(by->cert) : name);
    X509_set_pubkey(x, out.key);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, by ? by->cert : x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
                                              ca ? "critical,CA:TRUE" : "CA:FALSE");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
                              ca ? "critical,keyCertSign,cRLSign" : "digitalSignature");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    /* key identifiers, as real CAs set them: what tells the two
     * "Test Root"s apart */
    ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_key_identifier, "hash");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    if (by) {
        ext = X509V3_EXT_conf_nid(NULL, &v3, NID_authority_key_identifier, "keyid:always");
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    assert_true(X509_sign(x, by ? by->key : out.key, EVP_sha256()) > 0);
    return out;
}

static void drop(issued *i) {
    EVP_PKEY_free(i->key);
    X509_free(i->cert);
}

/* X509_verify_cert's result for `leaf` against `store` (for a TLS server,
 * as libcurl asks, when `as_server`): 0 or the error. */
static int verify_as(X509_STORE *store, X509 *leaf, int as_server) {
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    assert_true(X509_STORE_CTX_init(ctx, store, leaf, NULL));
    if (as_server) assert_true(X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER));
    int ok = X509_verify_cert(ctx);
    int error = ok == 1 ? 0 : X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return error ? error : (ok == 1 ? 0 : -1);
}

static int verify(X509_STORE *store, X509 *leaf) { return verify_as(store, leaf, 0); }

static char dir[] = "/tmp/ca_store_test.XXXXXX";

static const char *path_of(const char *name) {
    static char path[4][200];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

/* The family of certificates most tests use. */
static issued root, twin, other_root, trusted_root, leaf, twin_leaf, stranger_leaf, trusted_leaf;
static issued rejecting_root, rejected_leaf; /* trusted, but not for TLS servers */
static issued fillers[40];
static const char *bundle;

static int setup(void **state) {
    (void)state;
    assert_non_null(mkdtemp(dir));
    root = make("Test Root", NULL, 1, 1);
    twin = make("Test Root", NULL, 1, 2); /* same subject, another key */
    other_root = make("Not In The Bundle", NULL, 1, 3);
    trusted_root = make("Trusted Form", NULL, 1, 4);
    leaf = make("api.example", &root, 0, 10);
    twin_leaf = make("twin.example", &twin, 0, 11);
    stranger_leaf = make("stranger.example", &other_root, 0, 12);
    trusted_leaf = make("trusted.example", &trusted_root, 0, 13);
    rejecting_root = make("Not For Servers", NULL, 1, 5);
    assert_true(X509_add1_reject_object(rejecting_root.cert, OBJ_nid2obj(NID_server_auth)));
    rejected_leaf = make("rejected.example", &rejecting_root, 0, 14);
    bundle = strdup(path_of("bundle.pem"));
    FILE *f = fopen(bundle, "w");
    for (int i = 0; i < 40; i++) {
        char cn[32];
        snprintf(cn, sizeof cn, "Filler %d", i);
        fillers[i] = make(cn, NULL, 1, 100 + i);
        PEM_write_X509(f, fillers[i].cert);
        if (i == 20) PEM_write_X509(f, root.cert);
        if (i == 30) PEM_write_X509(f, twin.cert);
    }
    /* a key in the middle is skipped, as OpenSSL's loader skips it */
    PEM_write_PrivateKey(f, fillers[0].key, NULL, NULL, 0, NULL, NULL);
    PEM_write_X509_AUX(f, trusted_root.cert); /* "TRUSTED CERTIFICATE" */
    PEM_write_X509_AUX(f, rejecting_root.cert); /* with its trust settings */
    fclose(f);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    issued *all[] = {&root, &twin, &other_root, &trusted_root, &leaf, &twin_leaf,
                     &stranger_leaf, &trusted_leaf, &rejecting_root, &rejected_leaf};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) drop(all[i]);
    for (int i = 0; i < 40; i++) drop(&fillers[i]);
    char command[300];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    return system(command) == 0 ? 0 : -1;
}

static void test_chains_verify_parsing_only_their_roots(void **state) {
    (void)state;
    char err[500];
    X509_STORE *store = ca_store_open(bundle, err, sizeof err);
    assert_non_null(store);
    size_t before = ca_store_parsed();
    assert_int_equal(verify(store, leaf.cert), 0);
    /* both certificates named "Test Root" are parsed, and nothing else */
    assert_int_equal(ca_store_parsed() - before, 2);
    assert_int_equal(verify(store, twin_leaf.cert), 0);
    assert_int_equal(verify(store, leaf.cert), 0);
    assert_int_equal(ca_store_parsed() - before, 2); /* already in the store */
    assert_int_equal(verify(store, trusted_leaf.cert), 0);
    assert_int_equal(ca_store_parsed() - before, 3);
    X509_STORE_free(store);
}

static void test_a_root_outside_the_file_is_not_trusted(void **state) {
    (void)state;
    char err[500];
    X509_STORE *store = ca_store_open(bundle, err, sizeof err);
    size_t before = ca_store_parsed();
    assert_int_equal(verify(store, stranger_leaf.cert), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assert_int_equal(ca_store_parsed() - before, 0);
    /* a chain that presents its self-signed root is not trusted either */
    assert_int_equal(verify(store, other_root.cert), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    X509_STORE_free(store);
}

static void test_same_answers_as_openssl_loading_the_whole_file(void **state) {
    (void)state;
    char err[500];
    X509_STORE *lazy = ca_store_open(bundle, err, sizeof err);
    X509_STORE *eager = X509_STORE_new();
    assert_int_equal(X509_STORE_load_file(eager, bundle), 1);
    X509 *subjects[] = {leaf.cert, twin_leaf.cert, stranger_leaf.cert, trusted_leaf.cert,
                        root.cert, twin.cert, other_root.cert, fillers[7].cert};
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        assert_int_equal(verify(lazy, subjects[i]), verify(eager, subjects[i]));
        assert_int_equal(verify_as(lazy, subjects[i], 1), verify_as(eager, subjects[i], 1));
    }
    /* a TRUSTED CERTIFICATE's settings are kept: this root is trusted, but
     * refuses to vouch for a TLS server, with either store */
    assert_int_equal(verify_as(eager, rejected_leaf.cert, 1), X509_V_ERR_CERT_REJECTED);
    assert_int_equal(verify_as(lazy, rejected_leaf.cert, 1), X509_V_ERR_CERT_REJECTED);
    assert_int_equal(verify_as(lazy, trusted_leaf.cert, 1), 0);
    X509_STORE_free(lazy);
    X509_STORE_free(eager);
}

/* Every certificate of the machine's bundle (real roots: v1 and v3,
 * RSA and EC, every name encoding) gets the same verdict from both. */
static void test_the_system_bundle_agrees_with_openssl(void **state) {
    (void)state;
    if (access(SYSTEM_BUNDLE, R_OK) != 0) skip();
    char err[500];
    X509_STORE *lazy = ca_store_open(SYSTEM_BUNDLE, err, sizeof err);
    assert_non_null(lazy);
    X509_STORE *eager = X509_STORE_new();
    assert_int_equal(X509_STORE_load_file(eager, SYSTEM_BUNDLE), 1);
    FILE *f = fopen(SYSTEM_BUNDLE, "r");
    X509 *cert;
    int n = 0, trusted = 0;
    while ((cert = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        int got = verify(lazy, cert);
        assert_int_equal(got, verify(eager, cert));
        trusted += got == 0;
        n++;
        X509_free(cert);
    }
    ERR_clear_error();
    fclose(f);
    assert_true(n > 50);
    assert_true(trusted > n / 2); /* most roots are in date */
    X509_STORE_free(lazy);
    X509_STORE_free(eager);
}

struct race {
    X509_STORE *store;
    int result;
};

static void *verify_on_a_thread(void *arg) {
    struct race *r = arg;
    r->result = 0;
    for (int i = 0; i < 50 && r->result == 0; i++) r->result = verify(r->store, leaf.cert);
    return NULL;
}

static void test_two_threads_at_once(void **state) {
    (void)state;
    char err[500];
    X509_STORE *store = ca_store_open(bundle, err, sizeof err);
    struct race a = {store, -1}, b = {store, -1};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, verify_on_a_thread, &a);
    pthread_create(&tb, NULL, verify_on_a_thread, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.result, 0);
    assert_int_equal(b.result, 0);
    X509_STORE_free(store);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_bad_files_are_refused_by_name(void **state) {
    (void)state;
    char err[500];
    assert_null(ca_store_open(path_of("missing.pem"), err, sizeof err));
    assert_non_null(strstr(err, "missing.pem"));

    const char *empty = path_of("empty.pem");
    write_file(empty, "");
    assert_null(ca_store_open(empty, err, sizeof err));
    assert_non_null(strstr(err, "empty.pem"));
    assert_non_null(strstr(err, "no certificate"));

    const char *key_only = path_of("key.pem");
    FILE *f = fopen(key_only, "w");
    PEM_write_PrivateKey(f, root.key, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    assert_null(ca_store_open(key_only, err, sizeof err));
    assert_non_null(strstr(err, "no certificate"));

    /* one good certificate, then a block that is not base64 */
    const char *broken = path_of("broken.pem");
    f = fopen(broken, "w");
    PEM_write_X509(f, root.cert);
    fputs("-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n", f);
    fclose(f);
    assert_null(ca_store_open(broken, err, sizeof err));
    assert_non_null(strstr(err, "broken.pem"));
    assert_non_null(strstr(err, "block 2"));

    /* base64 of something that is not a certificate */
    const char *not_der = path_of("notder.pem");
    write_file(not_der, "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n");
    assert_null(ca_store_open(not_der, err, sizeof err));
    assert_non_null(strstr(err, "block 1"));
    assert_int_equal(ERR_peek_error(), 0); /* nothing left on OpenSSL's queue */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chains_verify_parsing_only_their_roots),
        cmocka_unit_test(test_a_root_outside_the_file_is_not_trusted),
        cmocka_unit_test(test_same_answers_as_openssl_loading_the_whole_file),
        cmocka_unit_test(test_the_system_bundle_agrees_with_openssl),
        cmocka_unit_test(test_two_threads_at_once),
        cmocka_unit_test(test_bad_files_are_refused_by_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
