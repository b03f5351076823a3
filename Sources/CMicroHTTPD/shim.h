// Only what Swift cannot import from microhttpd.h: the variadic daemon start and info calls.
// https://www.gnu.org/software/libmicrohttpd/manual/libmicrohttpd.html
#ifndef CMHD_SHIM_H
#define CMHD_SHIM_H

#include <sys/socket.h>
#include <stdint.h>
#include <microhttpd.h>

/// Starts a daemon with the options the emulator uses; MHD_start_daemon is variadic and cannot be called from Swift.
/// With a PEM key and certificate (both non-NULL) the daemon speaks HTTPS through libmicrohttpd's GnuTLS support.
static inline struct MHD_Daemon *cmhd_start_daemon(
    unsigned int flags,
    const struct sockaddr *address,
    MHD_AccessHandlerCallback access_handler,
    void *access_context,
    MHD_RequestCompletedCallback completed,
    void *completed_context,
    MHD_NotifyConnectionCallback connection_notified,
    void *connection_notified_context,
    size_t (*unescape)(void *, struct MHD_Connection *, char *),
    unsigned int thread_pool_size,
    unsigned int connection_timeout_seconds,
    unsigned int connection_limit,
    size_t connection_memory_limit,
    const char *tls_key_pem,
    const char *tls_certificate_pem)
{
#define CMHD_COMMON_OPTIONS \
        MHD_OPTION_SOCK_ADDR, address, \
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context, \
        MHD_OPTION_NOTIFY_CONNECTION, connection_notified, connection_notified_context, \
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, \
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size, \
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds, \
        MHD_OPTION_CONNECTION_LIMIT, connection_limit, \
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit
    if (tls_key_pem != NULL && tls_certificate_pem != NULL) {
        return MHD_start_daemon(
            flags | MHD_USE_TLS, 0, NULL, NULL, access_handler, access_context, CMHD_COMMON_OPTIONS,
            MHD_OPTION_HTTPS_MEM_KEY, tls_key_pem, MHD_OPTION_HTTPS_MEM_CERT, tls_certificate_pem, MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, access_handler, access_context, CMHD_COMMON_OPTIONS, MHD_OPTION_END);
#undef CMHD_COMMON_OPTIONS
}

/// The port the daemon is bound to (useful after binding port 0).
static inline uint16_t cmhd_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

#endif
