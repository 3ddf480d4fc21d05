// Small C wrappers for libav macros and variadic APIs that Swift cannot import.
// Every symbol is prefixed `ttr_av_`; each says why it exists.
#ifndef TTR_CLIBAVSHIMS_H
#define TTR_CLIBAVSHIMS_H

#include <stdint.h>

/// AVERROR(e) is a function-like macro; Swift cannot import it.
int ttr_av_error(int posix_errno);
/// AVERROR_EOF is built with FFERRTAG, a function-like macro.
int ttr_av_error_eof(void);
/// AVERROR(EAGAIN), the "feed me more input / drain me first" result of the codec API.
int ttr_av_error_eagain(void);
/// AVERROR_INVALIDDATA is built with FFERRTAG.
int ttr_av_error_invaliddata(void);
/// AV_NOPTS_VALUE is a cast expression macro Swift imports badly.
int64_t ttr_av_nopts_value(void);

/// A line of libav's own log, already formatted (libav's callback takes a va_list).
typedef void (*ttr_av_log_sink)(int level, const char *line);
/// Routes libav's log through `sink` (formatting done here, once, in C). Pass NULL to silence libav.
void ttr_av_set_log_sink(ttr_av_log_sink sink);

/// glibc's mallopt(M_MMAP_THRESHOLD / M_TRIM_THRESHOLD): <malloc.h> is not part of Swift's Glibc module.
void ttr_malloc_keep_freed_memory(int mmap_threshold, int trim_threshold);

#endif
