#include "CLibAVShims.h"

#include <errno.h>
#include <stdio.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/log.h>

int ttr_av_error(int posix_errno) { return AVERROR(posix_errno); }
int ttr_av_error_eof(void) { return AVERROR_EOF; }
int ttr_av_error_eagain(void) { return AVERROR(EAGAIN); }
int ttr_av_error_invaliddata(void) { return AVERROR_INVALIDDATA; }
int64_t ttr_av_nopts_value(void) { return AV_NOPTS_VALUE; }

static ttr_av_log_sink current_sink = NULL;

static void ttr_av_log_trampoline(void *avcl, int level, const char *fmt, va_list args) {
    if (current_sink == NULL || level > av_log_get_level()) {
        return;
    }
    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &print_prefix);
    current_sink(level, line);
}

void ttr_av_set_log_sink(ttr_av_log_sink sink) {
    current_sink = sink;
    if (sink == NULL) {
        av_log_set_level(AV_LOG_QUIET);
    } else {
        av_log_set_callback(ttr_av_log_trampoline);
    }
}

#include <malloc.h>

void ttr_malloc_keep_freed_memory(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
