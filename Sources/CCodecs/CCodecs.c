// Run-time loading of liblzma, libzstd and libbz2 (see include/CCodecs.h for why).
#include "CCodecs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_SYMBOLS 6

/// One optional library: where to look for it, which symbols it must have, and what was found.
struct library {
    /// File names tried in order; the first is the one error messages name.
    const char *candidates[5];
    const char *symbols[MAX_SYMBOLS + 1];
    void *functions[MAX_SYMBOLS];
    pthread_once_t once;
    int loaded;
    char error[256];
};

static struct library libraries[3] = {
    [CCODECS_LZMA] = {
#ifdef __APPLE__
        .candidates = {"liblzma.5.dylib", "/opt/homebrew/lib/liblzma.5.dylib", "/usr/local/lib/liblzma.5.dylib"},
#else
        .candidates = {"liblzma.so.5"},
#endif
        .symbols = {"lzma_auto_decoder", "lzma_code", "lzma_end"},
        .once = PTHREAD_ONCE_INIT,
    },
    [CCODECS_ZSTD] = {
#ifdef __APPLE__
        .candidates = {"libzstd.1.dylib", "/opt/homebrew/lib/libzstd.1.dylib", "/usr/local/lib/libzstd.1.dylib"},
#else
        .candidates = {"libzstd.so.1"},
#endif
        .symbols = {"ZSTD_createDStream", "ZSTD_initDStream", "ZSTD_freeDStream", "ZSTD_decompressStream",
                    "ZSTD_isError", "ZSTD_getErrorName"},
        .once = PTHREAD_ONCE_INIT,
    },
    [CCODECS_BZIP2] = {
#ifdef __APPLE__
        .candidates = {"libbz2.1.0.dylib", "/usr/lib/libbz2.1.0.dylib", "/opt/homebrew/lib/libbz2.1.0.dylib"},
#else
        .candidates = {"libbz2.so.1.0", "libbz2.so.1"},
#endif
        .symbols = {"BZ2_bzDecompressInit", "BZ2_bzDecompress", "BZ2_bzDecompressEnd"},
        .once = PTHREAD_ONCE_INIT,
    },
};

static void load(struct library *library) {
    void *handle = NULL;
    for (int i = 0; i < 5 && library->candidates[i] && !handle; i++) {
        handle = dlopen(library->candidates[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!handle) {
        const char *message = dlerror();
        snprintf(library->error, sizeof library->error, "%s", message ? message : "not found");
        return;
    }
    for (int i = 0; library->symbols[i]; i++) {
        library->functions[i] = dlsym(handle, library->symbols[i]);
        if (!library->functions[i]) {
            snprintf(library->error, sizeof library->error, "%s has no %s", library->candidates[0], library->symbols[i]);
            dlclose(handle);
            return;
        }
    }
    // The handle stays open for the life of the process: the function pointers point into it.
    library->loaded = 1;
}

static void load_lzma(void) { load(&libraries[CCODECS_LZMA]); }
static void load_zstd(void) { load(&libraries[CCODECS_ZSTD]); }
static void load_bzip2(void) { load(&libraries[CCODECS_BZIP2]); }

int ccodecs_load(int which) {
    switch (which) {
    case CCODECS_LZMA: pthread_once(&libraries[which].once, load_lzma); break;
    case CCODECS_ZSTD: pthread_once(&libraries[which].once, load_zstd); break;
    case CCODECS_BZIP2: pthread_once(&libraries[which].once, load_bzip2); break;
    default: return 0;
    }
    return libraries[which].loaded;
}

const char *ccodecs_soname(int which) {
    return which >= 0 && which <= CCODECS_BZIP2 ? libraries[which].candidates[0] : "";
}

const char *ccodecs_load_error(int which) {
    if (which < 0 || which > CCODECS_BZIP2 || libraries[which].loaded || !libraries[which].error[0]) return NULL;
    return libraries[which].error;
}

/// The function at `index` of library `which` as type `type`, or NULL when the library is not
/// loaded. (Reading `loaded` without the once-guard is safe: callers went through ccodecs_load.)
#define FUNCTION(which, index, type) \
    (libraries[which].loaded ? (type)libraries[which].functions[index] : (type)NULL)

// MARK: liblzma

typedef int (*lzma_auto_decoder_fn)(ccodecs_lzma_stream *, uint64_t, uint32_t);
typedef int (*lzma_code_fn)(ccodecs_lzma_stream *, int);
typedef void (*lzma_end_fn)(ccodecs_lzma_stream *);

int ccodecs_lzma_auto_decoder(ccodecs_lzma_stream *stream, uint64_t memory_limit, uint32_t flags) {
    lzma_auto_decoder_fn function = FUNCTION(CCODECS_LZMA, 0, lzma_auto_decoder_fn);
    return function ? function(stream, memory_limit, flags) : CCODECS_LZMA_PROG_ERROR;
}

int ccodecs_lzma_code(ccodecs_lzma_stream *stream, int action) {
    lzma_code_fn function = FUNCTION(CCODECS_LZMA, 1, lzma_code_fn);
    return function ? function(stream, action) : CCODECS_LZMA_PROG_ERROR;
}

void ccodecs_lzma_end(ccodecs_lzma_stream *stream) {
    lzma_end_fn function = FUNCTION(CCODECS_LZMA, 2, lzma_end_fn);
    if (function) function(stream);
}

// MARK: libzstd

typedef void *(*zstd_create_fn)(void);
typedef size_t (*zstd_stream_fn)(void *);
typedef size_t (*zstd_decompress_fn)(void *, ccodecs_zstd_out_buffer *, ccodecs_zstd_in_buffer *);
typedef unsigned (*zstd_is_error_fn)(size_t);
typedef const char *(*zstd_error_name_fn)(size_t);

/// What the zstd wrappers return when libzstd is not loaded: (size_t)-1 is ZSTD_error_GENERIC.
static const size_t zstd_not_loaded = (size_t)-1;

void *ccodecs_zstd_create_dstream(void) {
    zstd_create_fn function = FUNCTION(CCODECS_ZSTD, 0, zstd_create_fn);
    return function ? function() : NULL;
}

size_t ccodecs_zstd_init_dstream(void *stream) {
    zstd_stream_fn function = FUNCTION(CCODECS_ZSTD, 1, zstd_stream_fn);
    return function ? function(stream) : zstd_not_loaded;
}

size_t ccodecs_zstd_free_dstream(void *stream) {
    zstd_stream_fn function = FUNCTION(CCODECS_ZSTD, 2, zstd_stream_fn);
    return function ? function(stream) : zstd_not_loaded;
}

size_t ccodecs_zstd_decompress_stream(void *stream, ccodecs_zstd_out_buffer *output, ccodecs_zstd_in_buffer *input) {
    zstd_decompress_fn function = FUNCTION(CCODECS_ZSTD, 3, zstd_decompress_fn);
    return function ? function(stream, output, input) : zstd_not_loaded;
}

unsigned ccodecs_zstd_is_error(size_t code) {
    zstd_is_error_fn function = FUNCTION(CCODECS_ZSTD, 4, zstd_is_error_fn);
    return function ? function(code) : 1;
}

const char *ccodecs_zstd_error_name(size_t code) {
    zstd_error_name_fn function = FUNCTION(CCODECS_ZSTD, 5, zstd_error_name_fn);
    const char *name = function ? function(code) : NULL;
    return name ? name : "libzstd is not loaded";
}

// MARK: libbz2

typedef int (*bz_init_fn)(ccodecs_bz_stream *, int, int);
typedef int (*bz_stream_fn)(ccodecs_bz_stream *);

int ccodecs_bz_decompress_init(ccodecs_bz_stream *stream, int verbosity, int small) {
    bz_init_fn function = FUNCTION(CCODECS_BZIP2, 0, bz_init_fn);
    return function ? function(stream, verbosity, small) : CCODECS_BZ_CONFIG_ERROR;
}

int ccodecs_bz_decompress(ccodecs_bz_stream *stream) {
    bz_stream_fn function = FUNCTION(CCODECS_BZIP2, 1, bz_stream_fn);
    return function ? function(stream) : CCODECS_BZ_CONFIG_ERROR;
}

int ccodecs_bz_decompress_end(ccodecs_bz_stream *stream) {
    bz_stream_fn function = FUNCTION(CCODECS_BZIP2, 2, bz_stream_fn);
    return function ? function(stream) : CCODECS_BZ_CONFIG_ERROR;
}
