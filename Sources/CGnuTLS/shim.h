// Only what Swift cannot import from GnuTLS: a function-like macro and the gnutls_free function pointer variable.
// https://www.gnutls.org/manual/html_node/X509-certificate-API.html
#ifndef CGNUTLS_SHIM_H
#define CGNUTLS_SHIM_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/// The `bits` argument of gnutls_x509_privkey_generate for an ECDSA key on P-256 (GNUTLS_CURVE_TO_BITS).
static inline unsigned int cgnutls_p256_bits(void) { return GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1); }

/// Frees memory GnuTLS allocated (gnutls_free is a global function pointer, which Swift 6 treats as shared state).
static inline void cgnutls_free(void *pointer) { gnutls_free(pointer); }

#endif
