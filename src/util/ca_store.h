/* ca_store.h -- a CA file as an OpenSSL certificate store whose
 * certificates are parsed only when a chain asks for them.
 *
 * OpenSSL 3 takes ~110 µs to parse one certificate: a system's bundle of
 * ~145 is 16 ms of CPU before the first TLS handshake can be checked, the
 * biggest part of a cold start (and more on a Lambda share of a CPU). A
 * handshake needs one or two of them. So the file is read as PEM blocks
 * kept in DER (1 ms), each block's subject name is read alone, and a
 * lookup method (as OpenSSL's own hashed-directory one does) parses a
 * certificate the first time a chain names it as issuer, and adds it to
 * the store. Trust is unchanged: only the file's certificates are ever
 * offered, and OpenSSL checks every signature itself. */
#ifndef MILKBOT_CA_STORE_H
#define MILKBOT_CA_STORE_H

#include <openssl/x509_vfy.h>
#include <stddef.h>

/* The store for the PEM file at `path` (CERTIFICATE, X509 CERTIFICATE
 * and TRUSTED CERTIFICATE blocks; others are skipped), or NULL with a message naming
 * the file when it cannot be read or holds no certificate. Free with
 * X509_STORE_free. Safe to share between threads. */
X509_STORE *ca_store_open(const char *path, char *err, size_t errlen);

/* How many of the file's certificates have been parsed so far, over all
 * stores: for tests. */
size_t ca_store_parsed(void);

#endif
