/* openssl_no_config.c -- `bootstrap`'s OpenSSL never reads openssl.cnf.
 *
 * libcurl initialises OpenSSL with OPENSSL_INIT_LOAD_CONFIG, which parses
 * the configuration file compiled into the library: Debian's
 * /usr/lib/ssl/openssl.cnf, 12 KB of examples, in most of the runs that
 * measure us and in none of Lambda's (Amazon Linux keeps its own under
 * /etc/pki/tls, which this OpenSSL would not read). Measured here it was
 * three quarters of OpenSSL's start (0.1-0.25 ms a cold start). Nothing
 * milkbot needs is configured there: libcurl sets the CA file, TLS
 * versions and ciphers on each handle. So before main (and so before
 * libcurl), OpenSSL's once-only configuration step is spent on "none";
 * libcurl's later request to load it is then a no-op. Only `bootstrap`
 * links this file, with OpenSSL's static archive. */
#include <openssl/crypto.h>

__attribute__((constructor)) static void openssl_without_config_file(void) {
    /* a failure here leaves OpenSSL as it was: libcurl's own
     * initialisation then reports it */
    (void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}
