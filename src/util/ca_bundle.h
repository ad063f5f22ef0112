/* ca_bundle.h -- the CA certificates libcurl checks HTTPS servers against.
 *
 * Debian's libcurl looks for them at /etc/ssl/certs/ca-certificates.crt,
 * which Amazon Linux (provided.al2023) does not have: there they are at
 * /etc/pki/tls/certs/ca-bundle.crt. So the file is a setting:
 * MILKBOT_CA_BUNDLE when set, else the process's default (the Lambda
 * runtime sets Amazon Linux's), else libcurl's own.
 *
 * A named file is read once per process, into one OpenSSL certificate
 * store that every connection shares, whose certificates are parsed only
 * when a chain needs them (util/ca_store.h). libcurl would read and parse
 * all of them (~145, 16 ms of CPU here) once for each handle: twice during
 * a cold start (SSM and DynamoDB, on two threads) and again for the first
 * Bot API call, on a Lambda share of a CPU. */
#ifndef MILKBOT_CA_BUNDLE_H
#define MILKBOT_CA_BUNDLE_H

#include <curl/curl.h>
#include <stddef.h>

/* Amazon Linux's bundle: the default inside Lambda. */
#define CA_BUNDLE_AMAZON_LINUX "/etc/pki/tls/certs/ca-bundle.crt"

/* The default when MILKBOT_CA_BUNDLE is not set (NULL: libcurl's own).
 * `path` must outlive its use (a string literal). */
void ca_bundle_set_default(const char *path);

/* The file in use, or NULL for libcurl's own. */
const char *ca_bundle_path(void);

/* Returns 0 when the file in use can be read (or is libcurl's own), else
 * -1 with a message naming the file and the setting. */
int ca_bundle_check(char *err, size_t errlen);

/* As ca_bundle_check, and reads the file now (about 1-2 ms) rather than
 * at the first handshake, so that a file without certificates is refused
 * with a message naming it: for a caller about to connect anyway. */
int ca_bundle_load(char *err, size_t errlen);

/* Makes `curl` (after any curl_easy_reset) trust the file in use: through
 * the shared store when libcurl's TLS library is OpenSSL, else by
 * CURLOPT_CAINFO. A file that cannot be read then fails the handshake
 * (CURLE_SSL_CACERT_BADFILE); the first path given is the one read. */
void ca_bundle_apply(CURL *curl);

#endif
