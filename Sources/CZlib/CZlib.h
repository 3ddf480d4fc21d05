// zlib, plus wrappers for its init macros (they pass ZLIB_VERSION and sizeof(z_stream) for us).
#include <zlib.h>

static inline int ttr_inflate_init2(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}
static inline int ttr_deflate_init2(z_streamp stream, int level, int window_bits) {
    return deflateInit2(stream, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}
