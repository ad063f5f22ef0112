/* curl_unused.c -- the LDAP, RTMP and GSS-API entry points Debian's static
 * libcurl refers to, as stubs that fail, so that `bootstrap` need not load
 * the libraries behind them.
 *
 * Debian builds libcurl with every protocol and authentication scheme, and
 * its protocol table refers to all of them, so a static link pulls in
 * OpenLDAP (and through it SASL and GnuTLS), librtmp (GnuTLS, nettle,
 * gmp) and MIT Kerberos (GSS-API), and GnuTLS pulls p11-kit: ten shared
 * libraries that the loader must map and relocate on every cold start
 * (about 1.2 ms measured), and GnuTLS's copies of OpenSSL's functions.
 * milkbot speaks only HTTP(S) without Negotiate authentication: every
 * handle is limited to http/https (CURLOPT_PROTOCOLS_STR) and never sets
 * CURLOPT_HTTPAUTH, so libcurl never reaches these. Should it ever, each
 * fails as a library that cannot do the job would (LDAP_UNAVAILABLE,
 * GSS_S_UNAVAILABLE, RTMP's FALSE/NULL), and libcurl reports an error.
 *
 * The real headers declare every function, so a signature that differs
 * from the library's does not compile; a symbol that libcurl needs and
 * this file lacks does not link. Only `bootstrap` links this file; the
 * development build uses Debian's shared libcurl as it is. */
#include <gssapi/gssapi.h>
#include <lber.h>
#include <ldap.h>
#include <librtmp/rtmp.h>
#include <stddef.h>

/* --- OpenLDAP (curl's lib/openldap.c) ---------------------------------- */

/* OpenLDAP's private entry points, declared by libcurl itself */
int ldap_pvt_url_scheme2proto(const char *scheme);
int ldap_init_fd(ber_socket_t fd, int proto, const char *url, LDAP **ld);

int ldap_pvt_url_scheme2proto(const char *scheme) {
    (void)scheme;
    return -1;
}

int ldap_init_fd(ber_socket_t fd, int proto, const char *url, LDAP **ld) {
    (void)fd, (void)proto, (void)url;
    *ld = NULL;
    return LDAP_UNAVAILABLE;
}

int ldap_url_parse(const char *url, LDAPURLDesc **ludpp) {
    (void)url;
    *ludpp = NULL;
    return LDAP_URL_ERR_MEM;
}

void ldap_free_urldesc(LDAPURLDesc *ludp) { (void)ludp; }

char *ldap_err2string(int err) {
    (void)err;
    return (char *)"LDAP is not part of this build";
}

int ldap_get_option(LDAP *ld, int option, void *outvalue) {
    (void)ld, (void)option, (void)outvalue;
    return LDAP_OPT_ERROR;
}

int ldap_set_option(LDAP *ld, int option, const void *invalue) {
    (void)ld, (void)option, (void)invalue;
    return LDAP_OPT_ERROR;
}

int ldap_start_tls(LDAP *ld, LDAPControl **serverctrls,
                   LDAPControl **clientctrls, int *msgidp) {
    (void)ld, (void)serverctrls, (void)clientctrls, (void)msgidp;
    return LDAP_UNAVAILABLE;
}

int ldap_sasl_bind(LDAP *ld, const char *dn, const char *mechanism,
                   struct berval *cred, LDAPControl **serverctrls,
                   LDAPControl **clientctrls, int *msgidp) {
    (void)ld, (void)dn, (void)mechanism, (void)cred;
    (void)serverctrls, (void)clientctrls, (void)msgidp;
    return LDAP_UNAVAILABLE;
}

int ldap_parse_sasl_bind_result(LDAP *ld, LDAPMessage *res,
                                struct berval **servercredp, int freeit) {
    (void)ld, (void)res, (void)servercredp, (void)freeit;
    return LDAP_UNAVAILABLE;
}

int ldap_search_ext(LDAP *ld, const char *base, int scope, const char *filter,
                    char **attrs, int attrsonly, LDAPControl **serverctrls,
                    LDAPControl **clientctrls, struct timeval *timeout,
                    int sizelimit, int *msgidp) {
    (void)ld, (void)base, (void)scope, (void)filter, (void)attrs;
    (void)attrsonly, (void)serverctrls, (void)clientctrls, (void)timeout;
    (void)sizelimit, (void)msgidp;
    return LDAP_UNAVAILABLE;
}

int ldap_result(LDAP *ld, int msgid, int all, struct timeval *timeout,
                LDAPMessage **result) {
    (void)ld, (void)msgid, (void)all, (void)timeout;
    *result = NULL;
    return -1;
}

int ldap_msgtype(LDAPMessage *lm) {
    (void)lm;
    return -1;
}

int ldap_msgfree(LDAPMessage *lm) {
    (void)lm;
    return -1;
}

int ldap_parse_result(LDAP *ld, LDAPMessage *res, int *errcodep,
                      char **matcheddnp, char **diagmsgp, char ***referralsp,
                      LDAPControl ***serverctrls, int freeit) {
    (void)ld, (void)res, (void)matcheddnp, (void)diagmsgp, (void)referralsp;
    (void)serverctrls, (void)freeit;
    if (errcodep != NULL) *errcodep = LDAP_UNAVAILABLE;
    return LDAP_UNAVAILABLE;
}

int ldap_get_dn_ber(LDAP *ld, LDAPMessage *e, BerElement **berout,
                    struct berval *dn) {
    (void)ld, (void)e, (void)dn;
    if (berout != NULL) *berout = NULL;
    return LDAP_UNAVAILABLE;
}

int ldap_get_attribute_ber(LDAP *ld, LDAPMessage *e, BerElement *ber,
                           struct berval *attr, struct berval **vals) {
    (void)ld, (void)e, (void)ber, (void)attr, (void)vals;
    return LDAP_UNAVAILABLE;
}

int ldap_abandon_ext(LDAP *ld, int msgid, LDAPControl **serverctrls,
                     LDAPControl **clientctrls) {
    (void)ld, (void)msgid, (void)serverctrls, (void)clientctrls;
    return LDAP_UNAVAILABLE;
}

int ldap_unbind_ext(LDAP *ld, LDAPControl **serverctrls,
                    LDAPControl **clientctrls) {
    (void)ld, (void)serverctrls, (void)clientctrls;
    return LDAP_SUCCESS;
}

void ldap_memfree(void *p) { (void)p; }

void ber_memfree(void *p) { (void)p; }

void ber_memvfree(void **vector) { (void)vector; }

void ber_bvfree(struct berval *bv) { (void)bv; }

void ber_free(BerElement *ber, int freebuf) { (void)ber, (void)freebuf; }

int ber_sockbuf_add_io(Sockbuf *sb, Sockbuf_IO *sbio, int layer, void *arg) {
    (void)sb, (void)sbio, (void)layer, (void)arg;
    return -1;
}

/* --- librtmp (curl's lib/curl_rtmp.c) ---------------------------------- */

RTMP *RTMP_Alloc(void) { return NULL; }

void RTMP_Init(RTMP *r) { (void)r; }

void RTMP_Free(RTMP *r) { (void)r; }

void RTMP_Close(RTMP *r) { (void)r; }

int RTMP_SetupURL(RTMP *r, char *url) {
    (void)r, (void)url;
    return 0; /* FALSE */
}

void RTMP_SetBufferMS(RTMP *r, int size) { (void)r, (void)size; }

int RTMP_Connect1(RTMP *r, RTMPPacket *cp) {
    (void)r, (void)cp;
    return 0;
}

int RTMP_ConnectStream(RTMP *r, int seekTime) {
    (void)r, (void)seekTime;
    return 0;
}

int RTMP_Read(RTMP *r, char *buf, int size) {
    (void)r, (void)buf, (void)size;
    return -1;
}

int RTMP_Write(RTMP *r, const char *buf, int size) {
    (void)r, (void)buf, (void)size;
    return -1;
}

/* --- GSS-API (curl's Negotiate, Kerberos and SOCKS5 GSS-API) ----------- */

gss_OID GSS_C_NT_HOSTBASED_SERVICE = NULL;

OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t input_name_buffer,
                          gss_OID input_name_type, gss_name_t *output_name) {
    (void)input_name_buffer, (void)input_name_type;
    *minor = 0;
    *output_name = GSS_C_NO_NAME;
    return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_display_name(OM_uint32 *minor, gss_name_t input_name,
                           gss_buffer_t output_name_buffer,
                           gss_OID *output_name_type) {
    (void)input_name, (void)output_name_type;
    *minor = 0;
    output_name_buffer->length = 0;
    output_name_buffer->value = NULL;
    return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name) {
    (void)name;
    *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t claimant_cred,
                               gss_ctx_id_t *context, gss_name_t target_name,
                               gss_OID mech_type, OM_uint32 req_flags,
                               OM_uint32 time_req,
                               gss_channel_bindings_t input_chan_bindings,
                               gss_buffer_t input_token, gss_OID *actual_mech,
                               gss_buffer_t output_token,
                               OM_uint32 *ret_flags, OM_uint32 *time_rec) {
    (void)claimant_cred, (void)context, (void)target_name, (void)mech_type;
    (void)req_flags, (void)time_req, (void)input_chan_bindings;
    (void)input_token, (void)actual_mech, (void)ret_flags, (void)time_rec;
    *minor = 0;
    if (output_token != NULL) {
        output_token->length = 0;
        output_token->value = NULL;
    }
    return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context,
                                 gss_buffer_t output_token) {
    (void)output_token;
    *minor = 0;
    if (context != NULL) *context = GSS_C_NO_CONTEXT;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_inquire_context(OM_uint32 *minor, gss_ctx_id_t context,
                              gss_name_t *src_name, gss_name_t *targ_name,
                              OM_uint32 *lifetime_rec, gss_OID *mech_type,
                              OM_uint32 *ctx_flags, int *locally_initiated,
                              int *open) {
    (void)context, (void)src_name, (void)targ_name, (void)lifetime_rec;
    (void)mech_type, (void)ctx_flags, (void)locally_initiated, (void)open;
    *minor = 0;
    return GSS_S_NO_CONTEXT;
}

OM_uint32 gss_wrap(OM_uint32 *minor, gss_ctx_id_t context, int conf_req_flag,
                   gss_qop_t qop_req, gss_buffer_t input_message_buffer,
                   int *conf_state, gss_buffer_t output_message_buffer) {
    (void)context, (void)conf_req_flag, (void)qop_req;
    (void)input_message_buffer, (void)conf_state, (void)output_message_buffer;
    *minor = 0;
    return GSS_S_NO_CONTEXT;
}

OM_uint32 gss_unwrap(OM_uint32 *minor, gss_ctx_id_t context,
                     gss_buffer_t input_message_buffer,
                     gss_buffer_t output_message_buffer, int *conf_state,
                     gss_qop_t *qop_state) {
    (void)context, (void)input_message_buffer, (void)output_message_buffer;
    (void)conf_state, (void)qop_state;
    *minor = 0;
    return GSS_S_NO_CONTEXT;
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status_value,
                             int status_type, gss_OID mech_type,
                             OM_uint32 *message_context,
                             gss_buffer_t status_string) {
    /* a real string: libcurl copies it (socks_gssapi.c), and
     * gss_release_buffer below never frees it */
    static char why[] = "GSS-API is not part of this build";
    (void)status_value, (void)status_type, (void)mech_type;
    *minor = 0;
    if (message_context != NULL) *message_context = 0;
    status_string->length = sizeof why - 1;
    status_string->value = why;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer) {
    *minor = 0;
    if (buffer != NULL) {
        buffer->length = 0;
        buffer->value = NULL;
    }
    return GSS_S_COMPLETE;
}
