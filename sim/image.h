/*
 * image.h — ELF memory images: load simulated physical memory from an ELF
 * file and save it back as an ELF core.
 *
 * Loading takes every PT_LOAD segment of an ELF64 little-endian file, of any
 * machine type and any file type (executables, QEMU `dump-guest-memory`
 * cores), and copies its p_filesz file bytes to simulated physical memory at
 * p_paddr; the rest of the segment, up to p_memsz, reads as zero afterwards.
 * A program-header count too large for e_phnum (e_phnum == PN_XNUM) is taken
 * from sh_info of section 0, as the ELF specification says.  When the file
 * has a symbol table (SHT_SYMTAB) its symbols can be looked up by name.
 *
 * The whole file is validated before a single byte is written, so a bad
 * image leaves the contents of memory untouched: not ELF, truncated, ELFCLASS32, big-endian,
 * program headers or segment bytes beyond the end of the file, p_filesz >
 * p_memsz, p_paddr + p_memsz beyond 2^64, overlapping segments, malformed
 * notes.  Each is a GError in SIM_IMAGE_ERROR naming the file and, where
 * there is one, the segment index.
 *
 * Saving writes every present frame of a sim_mem (sim_mem_foreach_frame) as
 * an ELF64 little-endian core (ET_CORE, EM_AARCH64), adjacent frames merged
 * into one PT_LOAD segment, plus named state blobs (register files of the
 * models) in one PT_NOTE segment so a run can later resume from the image.
 * The file format is described in docs/memory-images.md.
 */
#ifndef SIM_IMAGE_H
#define SIM_IMAGE_H

#include <glib.h>
#include "sim/sim-types.h"

struct sim_mem;

#define SIM_IMAGE_ERROR (sim_image_error_quark())
GQuark sim_image_error_quark(void);
enum sim_image_error {
    SIM_IMAGE_ERROR_IO,         /* cannot open, read or write the file */
    SIM_IMAGE_ERROR_FORMAT,     /* not ELF, truncated, wrong class/endianness */
    SIM_IMAGE_ERROR_SEGMENT,    /* a program header that cannot be loaded */
    SIM_IMAGE_ERROR_SYMBOLS,    /* a malformed symbol table */
    SIM_IMAGE_ERROR_NOTE,       /* a malformed state note */
    SIM_IMAGE_ERROR_MEMORY,     /* simulated memory refused the load (injected abort) */
};

/* Owner name and note type of the state-blob notes (docs/memory-images.md). */
#define SIM_IMAGE_NOTE_OWNER "SMMUSIM"
#define SIM_IMAGE_NOTE_STATE 1u

/* ---- loading ---------------------------------------------------------- */

struct sim_image;

/* Load path into mem.  Returns NULL with err set, and memory contents
 * unchanged (at most zero-filled frames allocated by the write check), on
 * any error.  The returned image holds the symbols and state blobs. */
struct sim_image *sim_image_load(struct sim_mem *mem, const char *path, GError **err);
void sim_image_free(struct sim_image *img);

/* Number of PT_LOAD segments loaded, and the file's e_entry. */
size_t sim_image_segment_count(const struct sim_image *img);
uint64_t sim_image_entry(const struct sim_image *img);

/* Address of a symbol.  A value inside a loaded segment's virtual range
 * [p_vaddr, p_vaddr + p_memsz) is translated to the physical address it was
 * loaded at; any other value is returned as is.  Global symbols take
 * precedence over local ones of the same name.  False if there is no such
 * symbol (or no symbol table). */
bool sim_image_symbol(const struct sim_image *img, const char *name, uint64_t *addr);

/* A state blob saved under `name`, or NULL (len untouched) if absent.  The
 * bytes belong to the image and live until sim_image_free. */
const void *sim_image_state(const struct sim_image *img, const char *name, size_t *len);

/* ---- saving ----------------------------------------------------------- */

struct sim_image_writer;

struct sim_image_writer *sim_image_writer_new(struct sim_mem *mem);
void sim_image_writer_free(struct sim_image_writer *w);

/* Attach a named blob (copied).  Adding a name again replaces its blob.
 * `name` must be non-empty; `data` may be NULL when len is 0. */
void sim_image_add_state(struct sim_image_writer *w, const char *name, const void *data,
                         size_t len);

/* Write the image to path.  The file appears complete or not at all: it is
 * written under a temporary name in the same directory, then renamed. */
gboolean sim_image_writer_save(struct sim_image_writer *w, const char *path, GError **err);

/* Shorthand: save mem with no state blobs. */
gboolean sim_image_save(struct sim_mem *mem, const char *path, GError **err);

/* ---- symbol names ------------------------------------------------------ */

/* Every symbol name, sorted (for "did you mean" messages); free the array
 * with g_free, not the names, which belong to the image. */
const char **sim_image_symbol_names(const struct sim_image *img, size_t *count);

/* ---- state blob encoding ------------------------------------------------ */

/*
 * Models encode their state blobs with these helpers: fixed-width
 * little-endian integers appended in a fixed order, led by a format
 * version.  Decoding is bounds-checked; the first problem (truncated,
 * wrong version, a value the restoring model cannot take) is remembered
 * with the blob's name and the field concerned, every later read returns
 * 0, and sim_state_reader_finish() reports it — so a model reads its blob
 * straight through and checks once.  Trailing bytes are an error too.
 */
void sim_state_put_u8(GByteArray *b, uint8_t v);
void sim_state_put_u32(GByteArray *b, uint32_t v);
void sim_state_put_u64(GByteArray *b, uint64_t v);
void sim_state_put_bytes(GByteArray *b, const void *data, size_t len);

struct sim_state_reader {
    const char *name;       /* blob name, for messages */
    const uint8_t *p;
    size_t len, off;
    char *error;            /* first problem, NULL while all is well */
};

/* Start reading blob `name`; the leading version must equal `version`. */
void sim_state_reader_init(struct sim_state_reader *r, const char *name, const void *data, size_t len,
                           uint32_t version);
uint8_t sim_state_get_u8(struct sim_state_reader *r, const char *field);
uint32_t sim_state_get_u32(struct sim_state_reader *r, const char *field);
uint64_t sim_state_get_u64(struct sim_state_reader *r, const char *field);
bool sim_state_get_bool(struct sim_state_reader *r, const char *field);
void sim_state_get_bytes(struct sim_state_reader *r, const char *field, void *out, size_t len);
/* Reject the blob: `field` holds a value this machine cannot take. */
void sim_state_reject(struct sim_state_reader *r, const char *field, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Require that a size recorded in the blob equals this machine's. */
void sim_state_expect_u32(struct sim_state_reader *r, const char *field, uint32_t want);
static inline bool sim_state_ok(const struct sim_state_reader *r) { return r->error == NULL; }
/* True when the whole blob was read without a problem; else err is set
 * (SIM_IMAGE_ERROR_NOTE, "state \"name\": ...").  Frees the reader. */
bool sim_state_reader_finish(struct sim_state_reader *r, GError **err);

#endif /* SIM_IMAGE_H */
