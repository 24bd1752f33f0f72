// The parts of liblzma, libzstd and libbz2 the Decompression module uses, declared here so the
// build needs none of their -dev packages: the libraries are opened at run time by soname
// (liblzma.so.5, libzstd.so.1, libbz2.so.1.0; the .dylib names on macOS), the way systemd
// loads its optional compression libraries. Only zlib is linked at build time.
//
// Every declaration below mirrors the stable ABI of those libraries (the struct layouts and
// constant values have not changed since liblzma 5.0, libzstd 1.0 and libbz2 1.0). Each
// ccodecs_* call must only be made after ccodecs_load() returned 1 for its library; called
// before, the wrappers answer with the library's own "program error" code, never a crash.
#ifndef CCODECS_H
#define CCODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Loading

#define CCODECS_LZMA 0
#define CCODECS_ZSTD 1
#define CCODECS_BZIP2 2

/// Opens the library `which` (one of CCODECS_*) on first use, thread-safely and at most once
/// per process; returns 1 when it and every function used from it are present, else 0.
int ccodecs_load(int which);

/// The file name the library `which` was looked up under (e.g. "libzstd.so.1").
const char *ccodecs_soname(int which);

/// Why loading `which` failed (the dynamic loader's message), or NULL if it did not fail.
const char *ccodecs_load_error(int which);

// MARK: liblzma (xz and the legacy .lzma container)

#define CCODECS_LZMA_OK 0
#define CCODECS_LZMA_STREAM_END 1
#define CCODECS_LZMA_MEM_ERROR 5
#define CCODECS_LZMA_MEMLIMIT_ERROR 6
#define CCODECS_LZMA_FORMAT_ERROR 7
#define CCODECS_LZMA_OPTIONS_ERROR 8
#define CCODECS_LZMA_DATA_ERROR 9
#define CCODECS_LZMA_BUF_ERROR 10
#define CCODECS_LZMA_PROG_ERROR 11

#define CCODECS_LZMA_RUN 0
#define CCODECS_LZMA_FINISH 3

/// Decoder flag: decode .xz streams that follow each other, as `xz -d` does.
#define CCODECS_LZMA_CONCATENATED 0x08u

/// liblzma's lzma_stream (zero-initialised means "nothing allocated yet").
typedef struct ccodecs_lzma_stream {
    const uint8_t *next_in;
    size_t avail_in;
    uint64_t total_in;
    uint8_t *next_out;
    size_t avail_out;
    uint64_t total_out;
    const void *allocator;
    void *internal;
    void *reserved_ptr1;
    void *reserved_ptr2;
    void *reserved_ptr3;
    void *reserved_ptr4;
    uint64_t seek_pos;
    uint64_t reserved_int2;
    size_t reserved_int3;
    size_t reserved_int4;
    int reserved_enum1;
    int reserved_enum2;
} ccodecs_lzma_stream;

int ccodecs_lzma_auto_decoder(ccodecs_lzma_stream *stream, uint64_t memory_limit, uint32_t flags);
int ccodecs_lzma_code(ccodecs_lzma_stream *stream, int action);
void ccodecs_lzma_end(ccodecs_lzma_stream *stream);

// MARK: libzstd

typedef struct ccodecs_zstd_in_buffer {
    const void *src;
    size_t size;
    size_t pos;
} ccodecs_zstd_in_buffer;

typedef struct ccodecs_zstd_out_buffer {
    void *dst;
    size_t size;
    size_t pos;
} ccodecs_zstd_out_buffer;

/// A ZSTD_DStream; NULL when libzstd is not loaded or out of memory.
void *ccodecs_zstd_create_dstream(void);
size_t ccodecs_zstd_init_dstream(void *stream);
size_t ccodecs_zstd_free_dstream(void *stream);
size_t ccodecs_zstd_decompress_stream(void *stream, ccodecs_zstd_out_buffer *output, ccodecs_zstd_in_buffer *input);
unsigned ccodecs_zstd_is_error(size_t code);
/// The library's name for an error code (never NULL).
const char *ccodecs_zstd_error_name(size_t code);

// MARK: libbz2

#define CCODECS_BZ_OK 0
#define CCODECS_BZ_STREAM_END 4
#define CCODECS_BZ_MEM_ERROR (-3)
#define CCODECS_BZ_DATA_ERROR (-4)
#define CCODECS_BZ_DATA_ERROR_MAGIC (-5)
#define CCODECS_BZ_CONFIG_ERROR (-9)

/// libbz2's bz_stream (zero-initialised means default allocators, nothing allocated yet).
typedef struct ccodecs_bz_stream {
    char *next_in;
    unsigned int avail_in;
    unsigned int total_in_lo32;
    unsigned int total_in_hi32;
    char *next_out;
    unsigned int avail_out;
    unsigned int total_out_lo32;
    unsigned int total_out_hi32;
    void *state;
    void *(*bzalloc)(void *, int, int);
    void (*bzfree)(void *, void *);
    void *opaque;
} ccodecs_bz_stream;

int ccodecs_bz_decompress_init(ccodecs_bz_stream *stream, int verbosity, int small);
int ccodecs_bz_decompress(ccodecs_bz_stream *stream);
int ccodecs_bz_decompress_end(ccodecs_bz_stream *stream);

#ifdef __cplusplus
}
#endif

#endif
