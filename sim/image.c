/*
 * image.c — ELF memory images (loading PT_LOAD segments into simulated
 * physical memory, saving it as an ELF64 core with state notes).
 *
 * Reading goes through libelf (gelf): the file header, the program-header
 * count including the PN_XNUM escape, program and section headers and the
 * symbol table.  Writing lays the file out by hand — header, program
 * headers, section 0 when the count needs PN_XNUM, notes, then the frames in
 * ascending address order — and encodes the headers with libelf's
 * translation functions, so the byte order is right on any host.  The
 * layout and the note format are in docs/memory-images.md.
 */
#include "sim/image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "sim/mem.h"

G_DEFINE_QUARK(sim-image-error-quark, sim_image_error)

struct image_symbol {
    uint64_t value;
    bool global;
};

struct sim_image {
    size_t segments;
    uint64_t entry;
    GHashTable *symbols;    /* name -> struct image_symbol */
    GHashTable *states;     /* name -> GBytes */
};

/* A program header worth keeping (PT_LOAD or PT_NOTE), with its index. */
struct segment {
    size_t index;
    uint64_t offset, paddr, vaddr, filesz, memsz, align;
};

/* A piece of a present frame that lies in a segment's zero-filled tail. */
struct tail_piece {
    size_t segment;
    uint64_t addr, len;
};

struct loader {
    const char *path;
    int fd;
    Elf *elf;
    const uint8_t *file;
    uint64_t file_size;
    GArray *loads;      /* struct segment, sorted by paddr after validation */
    GArray *notes;      /* struct segment */
    GArray *tails;      /* struct tail_piece */
    struct sim_image *img;
};

static void image_error(GError **err, int code, const struct loader *ld, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void image_error(GError **err, int code, const struct loader *ld, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(err, SIM_IMAGE_ERROR, code, "%s: %s", ld->path, msg);
    g_free(msg);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* True when [off, off + len) lies inside a file of `size` bytes. */
static bool file_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/* ---- header checks ---------------------------------------------------- */

/* Identify the file before libelf does, for precise messages. */
static bool check_ident(struct loader *ld, GError **err)
{
    unsigned char ident[EI_NIDENT];
    if (ld->file_size < SELFMAG || memcmp(ld->file, ELFMAG, SELFMAG) != 0) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld, "not an ELF file");
        return false;
    }
    if (ld->file_size < EI_NIDENT) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld, "truncated ELF identification (%" G_GUINT64_FORMAT " bytes)",
                    ld->file_size);
        return false;
    }
    memcpy(ident, ld->file, EI_NIDENT);
    if (ident[EI_CLASS] != ELFCLASS64) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld, "wrong ELF class %u: only ELF64 is supported",
                    ident[EI_CLASS]);
        return false;
    }
    if (ident[EI_DATA] != ELFDATA2LSB) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld,
                    "wrong byte order (EI_DATA %u): only little-endian is supported", ident[EI_DATA]);
        return false;
    }
    if (ld->file_size < sizeof(Elf64_Ehdr)) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld, "truncated ELF header (%" G_GUINT64_FORMAT " of %zu bytes)",
                    ld->file_size, sizeof(Elf64_Ehdr));
        return false;
    }
    return true;
}

/* e_phnum, or for PN_XNUM the count in sh_info of section 0.  Read here
 * rather than through elf_getphdrnum(), which quietly shortens a table that
 * does not fit in the file: a truncated file must be an error. */
static bool program_header_count(struct loader *ld, const GElf_Ehdr *eh, size_t *phnum, GError **err)
{
    if (eh->e_phnum != PN_XNUM) {
        *phnum = eh->e_phnum;
        return true;
    }
    GElf_Shdr sh0;
    Elf_Scn *scn0 = elf_getscn(ld->elf, 0);
    if (!scn0 || !gelf_getshdr(scn0, &sh0)) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld,
                    "e_phnum is PN_XNUM but section 0, which holds the count, is unreadable: %s",
                    elf_errmsg(-1));
        return false;
    }
    *phnum = sh0.sh_info;
    return true;
}

static bool open_elf(struct loader *ld, GElf_Ehdr *eh, size_t *phnum, GError **err)
{
    ld->elf = elf_memory((char *)ld->file, (size_t)ld->file_size);
    if (!ld->elf || elf_kind(ld->elf) != ELF_K_ELF || !gelf_getehdr(ld->elf, eh)) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld, "unreadable ELF header: %s", elf_errmsg(-1));
        return false;
    }
    if (!program_header_count(ld, eh, phnum, err))
        return false;
    if (*phnum == 0)
        return true;
    if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld, "e_phentsize %u is not %zu", eh->e_phentsize,
                    sizeof(Elf64_Phdr));
        return false;
    }
    if (*phnum > UINT64_MAX / sizeof(Elf64_Phdr) ||
        !file_range_ok(eh->e_phoff, *phnum * sizeof(Elf64_Phdr), ld->file_size)) {
        image_error(err, SIM_IMAGE_ERROR_FORMAT, ld,
                    "%zu program headers at offset 0x%" G_GINT64_MODIFIER "x lie beyond the end of the file",
                    *phnum, (guint64)eh->e_phoff);
        return false;
    }
    return true;
}

/* ---- segment validation ---------------------------------------------- */

static bool check_segment(struct loader *ld, size_t i, const GElf_Phdr *ph, GError **err)
{
    if (!file_range_ok(ph->p_offset, ph->p_filesz, ld->file_size)) {
        image_error(err, SIM_IMAGE_ERROR_SEGMENT, ld,
                    "segment %zu: file bytes at offset 0x%" G_GINT64_MODIFIER "x size 0x%" G_GINT64_MODIFIER
                    "x lie beyond the end of the file (%" G_GUINT64_FORMAT " bytes)",
                    i, (guint64)ph->p_offset, (guint64)ph->p_filesz, ld->file_size);
        return false;
    }
    if (ph->p_type != PT_LOAD)
        return true;
    if (ph->p_filesz > ph->p_memsz) {
        image_error(err, SIM_IMAGE_ERROR_SEGMENT, ld,
                    "segment %zu: p_filesz 0x%" G_GINT64_MODIFIER "x exceeds p_memsz 0x%" G_GINT64_MODIFIER "x",
                    i, (guint64)ph->p_filesz, (guint64)ph->p_memsz);
        return false;
    }
    /* The last byte must be addressable: p_paddr + p_memsz may reach 2^64 but not pass it. */
    if (ph->p_memsz && ph->p_paddr > UINT64_MAX - (ph->p_memsz - 1)) {
        image_error(err, SIM_IMAGE_ERROR_SEGMENT, ld,
                    "segment %zu: p_paddr 0x%" G_GINT64_MODIFIER "x + p_memsz 0x%" G_GINT64_MODIFIER
                    "x passes the end of the 64-bit physical address space",
                    i, (guint64)ph->p_paddr, (guint64)ph->p_memsz);
        return false;
    }
    return true;
}

static gint segment_by_paddr(gconstpointer a, gconstpointer b)
{
    const struct segment *x = a, *y = b;
    if (x->paddr != y->paddr)
        return x->paddr < y->paddr ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Segments are sorted by paddr; any two non-empty ones must not share a byte. */
static bool check_overlaps(struct loader *ld, GError **err)
{
    const struct segment *prev = NULL;
    for (guint k = 0; k < ld->loads->len; k++) {
        const struct segment *s = &g_array_index(ld->loads, struct segment, k);
        if (!s->memsz)
            continue;
        if (prev && s->paddr - prev->paddr < prev->memsz) {
            image_error(err, SIM_IMAGE_ERROR_SEGMENT, ld,
                        "segments %zu and %zu overlap at physical address 0x%" G_GINT64_MODIFIER "x",
                        prev->index, s->index, (guint64)s->paddr);
            return false;
        }
        prev = s;
    }
    return true;
}

static bool read_segments(struct loader *ld, size_t phnum, GError **err)
{
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(ld->elf, (int)i, &ph)) {
            image_error(err, SIM_IMAGE_ERROR_SEGMENT, ld, "segment %zu: unreadable program header: %s",
                        i, elf_errmsg(-1));
            return false;
        }
        if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
            continue;
        if (!check_segment(ld, i, &ph, err))
            return false;
        struct segment s = { i, ph.p_offset, ph.p_paddr, ph.p_vaddr, ph.p_filesz, ph.p_memsz,
                             ph.p_align };
        g_array_append_val(ph.p_type == PT_LOAD ? ld->loads : ld->notes, s);
    }
    g_array_sort(ld->loads, segment_by_paddr);
    return check_overlaps(ld, err);
}

/* ---- state notes ------------------------------------------------------ */

static bool add_state_note(struct loader *ld, const struct segment *s, const uint8_t *desc,
                           uint32_t descsz, GError **err)
{
    const uint8_t *nul = memchr(desc, 0, descsz);
    if (!nul || nul == desc) {
        image_error(err, SIM_IMAGE_ERROR_NOTE, ld,
                    "segment %zu: state note without a NUL-terminated, non-empty name", s->index);
        return false;
    }
    const char *name = (const char *)desc;
    size_t name_len = (size_t)(nul - desc) + 1;
    if (g_hash_table_contains(ld->img->states, name)) {
        image_error(err, SIM_IMAGE_ERROR_NOTE, ld, "segment %zu: state \"%s\" appears twice",
                    s->index, name);
        return false;
    }
    g_hash_table_insert(ld->img->states, g_strdup(name),
                        g_bytes_new(desc + name_len, descsz - name_len));
    return true;
}

/* Walk one PT_NOTE segment: 4-byte words namesz, descsz, type, then the name
 * and the descriptor, each padded to the segment's alignment (4, or 8). */
static bool parse_notes(struct loader *ld, const struct segment *s, GError **err)
{
    const uint64_t pad = s->align == 8 ? 8 : 4;
    const uint8_t *p = ld->file + s->offset;
    uint64_t off = 0;
    while (s->filesz - off >= 12) {
        uint64_t namesz = get_le32(p + off), descsz = get_le32(p + off + 4);
        uint32_t type = get_le32(p + off + 8);
        uint64_t name_off = off + 12;
        uint64_t desc_off = name_off + align_up(namesz, pad);
        uint64_t next = desc_off + align_up(descsz, pad);
        if (desc_off + descsz > s->filesz) {
            image_error(err, SIM_IMAGE_ERROR_NOTE, ld,
                        "segment %zu: note at offset 0x%" G_GINT64_MODIFIER "x runs past the segment",
                        s->index, (guint64)off);
            return false;
        }
        if (namesz == sizeof(SIM_IMAGE_NOTE_OWNER) && type == SIM_IMAGE_NOTE_STATE &&
            memcmp(p + name_off, SIM_IMAGE_NOTE_OWNER, namesz) == 0 &&
            !add_state_note(ld, s, p + desc_off, (uint32_t)descsz, err))
            return false;
        off = next;
        if (off >= s->filesz)
            return true;
    }
    if (off != s->filesz) {
        image_error(err, SIM_IMAGE_ERROR_NOTE, ld,
                    "segment %zu: %" G_GUINT64_FORMAT " stray bytes after the last note",
                    s->index, s->filesz - off);
        return false;
    }
    return true;
}

static bool read_notes(struct loader *ld, GError **err)
{
    for (guint k = 0; k < ld->notes->len; k++)
        if (!parse_notes(ld, &g_array_index(ld->notes, struct segment, k), err))
            return false;
    return true;
}

/* ---- symbols ---------------------------------------------------------- */

static uint64_t symbol_paddr(const struct loader *ld, uint64_t value)
{
    for (guint k = 0; k < ld->loads->len; k++) {
        const struct segment *s = &g_array_index(ld->loads, struct segment, k);
        if (value - s->vaddr < s->memsz)
            return s->paddr + (value - s->vaddr);
    }
    return value;
}

static void add_symbol(struct loader *ld, const char *name, const GElf_Sym *sym)
{
    bool global = GELF_ST_BIND(sym->st_info) != STB_LOCAL;
    struct image_symbol *old = g_hash_table_lookup(ld->img->symbols, name);
    if (old && (old->global || !global))
        return;
    struct image_symbol *s = g_new(struct image_symbol, 1);
    s->value = symbol_paddr(ld, sym->st_value);
    s->global = global;
    g_hash_table_replace(ld->img->symbols, g_strdup(name), s);
}

static bool read_symtab(struct loader *ld, Elf_Scn *scn, const GElf_Shdr *sh, GError **err)
{
    size_t idx = elf_ndxscn(scn);
    if (sh->sh_entsize != sizeof(Elf64_Sym) || !file_range_ok(sh->sh_offset, sh->sh_size, ld->file_size)) {
        image_error(err, SIM_IMAGE_ERROR_SYMBOLS, ld,
                    "section %zu: symbol table with entry size %" G_GUINT64_FORMAT " or extent beyond the file",
                    idx, (guint64)sh->sh_entsize);
        return false;
    }
    Elf_Data *data = elf_getdata(scn, NULL);
    if (!data) {
        image_error(err, SIM_IMAGE_ERROR_SYMBOLS, ld, "section %zu: unreadable symbol table: %s", idx,
                    elf_errmsg(-1));
        return false;
    }
    size_t n = sh->sh_size / sizeof(Elf64_Sym);
    for (size_t j = 1; j < n; j++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)j, &sym))
            break;
        unsigned type = GELF_ST_TYPE(sym.st_info);
        if (!sym.st_name || sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE)
            continue;
        const char *name = elf_strptr(ld->elf, sh->sh_link, sym.st_name);
        if (!name) {
            image_error(err, SIM_IMAGE_ERROR_SYMBOLS, ld, "section %zu: symbol %zu has a bad name: %s",
                        idx, j, elf_errmsg(-1));
            return false;
        }
        add_symbol(ld, name, &sym);
    }
    return true;
}

static bool read_symbols(struct loader *ld, GError **err)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(ld->elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) {
            image_error(err, SIM_IMAGE_ERROR_SYMBOLS, ld, "section %zu: unreadable header: %s",
                        elf_ndxscn(scn), elf_errmsg(-1));
            return false;
        }
        if (sh.sh_type == SHT_SYMTAB && !read_symtab(ld, scn, &sh, err))
            return false;
    }
    return true;
}

/* ---- loading into memory --------------------------------------------- */

struct frame_list {
    GArray *addrs;
};

static void collect_frame(uint64_t addr, const uint8_t *data, void *opaque)
{
    struct frame_list *fl = opaque;
    (void)data;
    g_array_append_val(fl->addrs, addr);
}

/* First index in the ascending array whose frame ends after addr. */
static guint first_frame_from(const GArray *addrs, uint64_t addr)
{
    guint lo = 0, hi = addrs->len;
    uint64_t page = addr & SIM_PAGE_MASK;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(addrs, uint64_t, mid) < page)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The zero-filled tail [paddr + filesz, paddr + memsz) of a segment only
 * needs clearing where a frame already exists: absent frames read as zero.
 * Walking the present frames (not the tail's pages) keeps a huge .bss cheap. */
static void find_tails(struct loader *ld, struct sim_mem *mem)
{
    struct frame_list fl = { g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
    if (sim_mem_frame_count(mem))
        sim_mem_foreach_frame(mem, collect_frame, &fl);
    for (guint k = 0; k < ld->loads->len && fl.addrs->len; k++) {
        const struct segment *s = &g_array_index(ld->loads, struct segment, k);
        uint64_t start = s->paddr + s->filesz, left = s->memsz - s->filesz;
        for (guint f = first_frame_from(fl.addrs, start); left && f < fl.addrs->len; f++) {
            uint64_t frame = g_array_index(fl.addrs, uint64_t, f);
            uint64_t from = frame > start ? frame : start;
            if (from - start >= left)
                break;
            uint64_t in_frame = SIM_PAGE_SIZE - (from - frame);
            uint64_t len = MIN(in_frame, left - (from - start));
            struct tail_piece t = { s->index, from, len };
            g_array_append_val(ld->tails, t);
        }
    }
    g_array_free(fl.addrs, TRUE);
}

/* Refuse before writing anything if memory would abort part of the load. */
static bool preflight(struct loader *ld, struct sim_mem *mem, GError **err)
{
    for (guint k = 0; k < ld->loads->len; k++) {
        const struct segment *s = &g_array_index(ld->loads, struct segment, k);
        if (!s->filesz)
            continue;
        uint64_t last = s->paddr + (s->filesz - 1);
        for (uint64_t page = s->paddr & SIM_PAGE_MASK;; page += SIM_PAGE_SIZE) {
            if (!sim_mem_frame(mem, page, true)) {
                image_error(err, SIM_IMAGE_ERROR_MEMORY, ld,
                            "segment %zu: physical page 0x%" G_GINT64_MODIFIER "x refuses writes",
                            s->index, (guint64)page);
                return false;
            }
            if (page == (last & SIM_PAGE_MASK))
                break;
        }
    }
    for (guint k = 0; k < ld->tails->len; k++) {
        const struct tail_piece *t = &g_array_index(ld->tails, struct tail_piece, k);
        if (!sim_mem_frame(mem, t->addr, false)) {
            image_error(err, SIM_IMAGE_ERROR_MEMORY, ld,
                        "segment %zu: physical page 0x%" G_GINT64_MODIFIER "x refuses writes",
                        t->segment, (guint64)(t->addr & SIM_PAGE_MASK));
            return false;
        }
    }
    return true;
}

static bool write_memory(struct loader *ld, struct sim_mem *mem, GError **err)
{
    for (guint k = 0; k < ld->loads->len; k++) {
        const struct segment *s = &g_array_index(ld->loads, struct segment, k);
        if (s->filesz && sim_mem_write(mem, s->paddr, ld->file + s->offset, s->filesz) != SIM_MEM_OK) {
            image_error(err, SIM_IMAGE_ERROR_MEMORY, ld, "segment %zu: write to 0x%" G_GINT64_MODIFIER "x aborted",
                        s->index, (guint64)s->paddr);
            return false;
        }
    }
    for (guint k = 0; k < ld->tails->len; k++) {
        const struct tail_piece *t = &g_array_index(ld->tails, struct tail_piece, k);
        if (sim_mem_fill(mem, t->addr, 0, t->len) != SIM_MEM_OK) {
            image_error(err, SIM_IMAGE_ERROR_MEMORY, ld, "segment %zu: clearing 0x%" G_GINT64_MODIFIER "x aborted",
                        t->segment, (guint64)t->addr);
            return false;
        }
    }
    return true;
}

static struct sim_image *image_new(void)
{
    struct sim_image *img = g_new0(struct sim_image, 1);
    img->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    img->states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    return img;
}

void sim_image_free(struct sim_image *img)
{
    if (!img)
        return;
    g_hash_table_destroy(img->symbols);
    g_hash_table_destroy(img->states);
    g_free(img);
}

struct sim_image *sim_image_load(struct sim_mem *mem, const char *path, GError **err)
{
    g_return_val_if_fail(mem && path, NULL);
    elf_version(EV_CURRENT);
    struct loader ld = { .path = path, .fd = -1 };
    GMappedFile *mf = NULL;
    struct sim_image *result = NULL;
    GElf_Ehdr eh;
    size_t phnum = 0;

    ld.loads = g_array_new(FALSE, FALSE, sizeof(struct segment));
    ld.notes = g_array_new(FALSE, FALSE, sizeof(struct segment));
    ld.tails = g_array_new(FALSE, FALSE, sizeof(struct tail_piece));
    ld.img = image_new();

    struct stat st;
    ld.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (ld.fd < 0 || fstat(ld.fd, &st) != 0) {
        image_error(err, SIM_IMAGE_ERROR_IO, &ld, "cannot open: %s", g_strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        image_error(err, SIM_IMAGE_ERROR_IO, &ld, "not a regular file");
        goto out;
    }
    if (st.st_size > 0) {
        GError *merr = NULL;
        /* A private writable mapping: libelf may convert headers in place. */
        mf = g_mapped_file_new_from_fd(ld.fd, TRUE, &merr);
        if (!mf) {
            image_error(err, SIM_IMAGE_ERROR_IO, &ld, "cannot read: %s", merr->message);
            g_error_free(merr);
            goto out;
        }
        ld.file = (const uint8_t *)g_mapped_file_get_contents(mf);
        ld.file_size = g_mapped_file_get_length(mf);
    }

    if (!check_ident(&ld, err) || !open_elf(&ld, &eh, &phnum, err) || !read_segments(&ld, phnum, err) ||
        !read_notes(&ld, err) || !read_symbols(&ld, err))
        goto out;
    find_tails(&ld, mem);
    if (!preflight(&ld, mem, err) || !write_memory(&ld, mem, err))
        goto out;
    ld.img->segments = ld.loads->len;
    ld.img->entry = eh.e_entry;
    result = ld.img;
    ld.img = NULL;
out:
    if (ld.elf)
        elf_end(ld.elf);
    if (mf)
        g_mapped_file_unref(mf);
    if (ld.fd >= 0)
        close(ld.fd);
    g_array_free(ld.loads, TRUE);
    g_array_free(ld.notes, TRUE);
    g_array_free(ld.tails, TRUE);
    sim_image_free(ld.img);
    return result;
}

size_t sim_image_segment_count(const struct sim_image *img)
{
    return img->segments;
}

uint64_t sim_image_entry(const struct sim_image *img)
{
    return img->entry;
}

bool sim_image_symbol(const struct sim_image *img, const char *name, uint64_t *addr)
{
    const struct image_symbol *s = g_hash_table_lookup(img->symbols, name);
    if (!s)
        return false;
    if (addr)
        *addr = s->value;
    return true;
}

const void *sim_image_state(const struct sim_image *img, const char *name, size_t *len)
{
    GBytes *b = g_hash_table_lookup(img->states, name);
    if (!b)
        return NULL;
    gsize n;
    const void *data = g_bytes_get_data(b, &n);
    if (len)
        *len = n;
    /* An empty blob still has to read as present. */
    return data ? data : (const void *)"";
}

/* ---- saving ----------------------------------------------------------- */

struct state_blob {
    char *name;
    GBytes *data;
};

struct sim_image_writer {
    struct sim_mem *mem;
    GPtrArray *states;  /* struct state_blob, in the order first added */
};

static void state_blob_free(gpointer p)
{
    struct state_blob *b = p;
    g_free(b->name);
    g_bytes_unref(b->data);
    g_free(b);
}

struct sim_image_writer *sim_image_writer_new(struct sim_mem *mem)
{
    g_return_val_if_fail(mem, NULL);
    struct sim_image_writer *w = g_new0(struct sim_image_writer, 1);
    w->mem = mem;
    w->states = g_ptr_array_new_with_free_func(state_blob_free);
    return w;
}

void sim_image_writer_free(struct sim_image_writer *w)
{
    if (!w)
        return;
    g_ptr_array_free(w->states, TRUE);
    g_free(w);
}

void sim_image_add_state(struct sim_image_writer *w, const char *name, const void *data, size_t len)
{
    g_return_if_fail(w && name && name[0] && (data || !len));
    GBytes *bytes = g_bytes_new(data, len);
    for (guint k = 0; k < w->states->len; k++) {
        struct state_blob *b = g_ptr_array_index(w->states, k);
        if (strcmp(b->name, name) == 0) {
            g_bytes_unref(b->data);
            b->data = bytes;
            return;
        }
    }
    struct state_blob *b = g_new(struct state_blob, 1);
    b->name = g_strdup(name);
    b->data = bytes;
    g_ptr_array_add(w->states, b);
}

/* A run of adjacent present frames: one PT_LOAD. */
struct run {
    uint64_t start, len;
};

struct run_builder {
    GArray *runs;
    uint64_t frames;
};

static void add_frame_to_runs(uint64_t addr, const uint8_t *data, void *opaque)
{
    struct run_builder *rb = opaque;
    (void)data;
    rb->frames++;
    if (rb->runs->len) {
        struct run *last = &g_array_index(rb->runs, struct run, rb->runs->len - 1);
        if (last->start + last->len == addr) {
            last->len += SIM_PAGE_SIZE;
            return;
        }
    }
    struct run r = { addr, SIM_PAGE_SIZE };
    g_array_append_val(rb->runs, r);
}

static void put_note(GByteArray *out, const struct state_blob *b, GError **err, const char *path)
{
    gsize len;
    const void *data = g_bytes_get_data(b->data, &len);
    size_t name_len = strlen(b->name) + 1;
    uint8_t hdr[12], zero[4] = { 0 };
    if (len > UINT32_MAX - name_len) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE, "%s: state \"%s\" is too large (%zu bytes)",
                    path, b->name, (size_t)len);
        return;
    }
    uint32_t descsz = (uint32_t)(name_len + len);
    put_le32(hdr, sizeof(SIM_IMAGE_NOTE_OWNER));
    put_le32(hdr + 4, descsz);
    put_le32(hdr + 8, SIM_IMAGE_NOTE_STATE);
    g_byte_array_append(out, hdr, sizeof(hdr));
    g_byte_array_append(out, (const guint8 *)SIM_IMAGE_NOTE_OWNER, sizeof(SIM_IMAGE_NOTE_OWNER));
    g_byte_array_append(out, (const guint8 *)b->name, (guint)name_len);
    if (len)
        g_byte_array_append(out, data, (guint)len);
    g_byte_array_append(out, zero, (guint)(align_up(descsz, 4) - descsz));
}

static void encode(void *dst, const void *src, size_t size, Elf_Type type)
{
    Elf_Data s = { .d_buf = (void *)src, .d_type = type, .d_version = EV_CURRENT, .d_size = size };
    Elf_Data d = { .d_buf = dst, .d_type = type, .d_version = EV_CURRENT, .d_size = size };
    elf64_xlatetof(&d, &s, ELFDATA2LSB);
}

/* Everything before the first frame: headers, section 0 if needed, notes. */
static GByteArray *build_headers(const GArray *runs, const GByteArray *notes, uint64_t *data_off)
{
    size_t phnum = runs->len + (notes->len ? 1 : 0);
    bool xnum = phnum >= PN_XNUM;
    uint64_t off = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    uint64_t shoff = xnum ? off : 0;
    if (xnum)
        off += sizeof(Elf64_Shdr);
    uint64_t note_off = align_up(off, 4);
    *data_off = align_up(note_off + notes->len, SIM_PAGE_SIZE);

    GByteArray *out = g_byte_array_sized_new((guint)*data_off);
    g_byte_array_set_size(out, (guint)*data_off);
    memset(out->data, 0, out->len);

    Elf64_Ehdr eh = { 0 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_CORE;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = phnum ? sizeof(Elf64_Ehdr) : 0;
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = xnum ? PN_XNUM : (Elf64_Half)phnum;
    eh.e_shentsize = xnum ? sizeof(Elf64_Shdr) : 0;
    eh.e_shnum = xnum ? 1 : 0;
    encode(out->data, &eh, sizeof(eh), ELF_T_EHDR);

    uint8_t *ph = out->data + sizeof(Elf64_Ehdr);
    if (notes->len) {
        Elf64_Phdr p = { .p_type = PT_NOTE, .p_offset = note_off, .p_filesz = notes->len, .p_align = 4 };
        encode(ph, &p, sizeof(p), ELF_T_PHDR);
        ph += sizeof(p);
    }
    uint64_t file_off = *data_off;
    for (guint k = 0; k < runs->len; k++, ph += sizeof(Elf64_Phdr)) {
        const struct run *r = &g_array_index(runs, struct run, k);
        Elf64_Phdr p = { .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = file_off,
                         .p_vaddr = r->start, .p_paddr = r->start, .p_filesz = r->len,
                         .p_memsz = r->len, .p_align = SIM_PAGE_SIZE };
        encode(ph, &p, sizeof(p), ELF_T_PHDR);
        file_off += r->len;
    }
    if (xnum) {
        Elf64_Shdr sh = { .sh_info = (Elf64_Word)phnum };
        encode(out->data + shoff, &sh, sizeof(sh), ELF_T_SHDR);
    }
    if (notes->len)
        memcpy(out->data + note_off, notes->data, notes->len);
    return out;
}

struct frame_writer {
    FILE *out;
    uint64_t frames;
    bool failed;
};

static void write_frame(uint64_t addr, const uint8_t *data, void *opaque)
{
    struct frame_writer *fw = opaque;
    (void)addr;
    fw->frames++;
    if (!fw->failed && fwrite(data, SIM_PAGE_SIZE, 1, fw->out) != 1)
        fw->failed = true;
}

static bool write_file(struct sim_image_writer *w, const char *path, const GByteArray *headers,
                       uint64_t frames, GError **err)
{
    char *tmp = g_strdup_printf("%s.XXXXXX", path);
    int fd = g_mkstemp(tmp);
    bool ok = false;
    if (fd < 0) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_IO, "%s: cannot create: %s", path,
                    g_strerror(errno));
        g_free(tmp);
        return false;
    }
    FILE *out = fdopen(fd, "wb");
    struct frame_writer fw = { out, 0, out == NULL };
    if (out && fwrite(headers->data, 1, headers->len, out) != headers->len)
        fw.failed = true;
    if (out && !fw.failed)
        sim_mem_foreach_frame(w->mem, write_frame, &fw);
    int saved_errno = errno;
    if (out ? fclose(out) != 0 : close(fd) != 0)
        fw.failed = true;
    if (fw.failed || fw.frames != frames) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_IO, "%s: write failed: %s", path,
                    fw.failed ? g_strerror(saved_errno) : "memory changed while saving");
    } else if (g_rename(tmp, path) != 0) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_IO, "%s: cannot rename %s: %s", path, tmp,
                    g_strerror(errno));
    } else {
        ok = true;
    }
    if (!ok)
        g_unlink(tmp);
    g_free(tmp);
    return ok;
}

gboolean sim_image_writer_save(struct sim_image_writer *w, const char *path, GError **err)
{
    g_return_val_if_fail(w && path, FALSE);
    struct run_builder rb = { g_array_new(FALSE, FALSE, sizeof(struct run)), 0 };
    GByteArray *notes = g_byte_array_new();
    GError *nerr = NULL;
    gboolean ok = FALSE;

    sim_mem_foreach_frame(w->mem, add_frame_to_runs, &rb);
    for (guint k = 0; k < w->states->len && !nerr; k++)
        put_note(notes, g_ptr_array_index(w->states, k), &nerr, path);
    if (nerr) {
        g_propagate_error(err, nerr);
    } else {
        uint64_t data_off;
        GByteArray *headers = build_headers(rb.runs, notes, &data_off);
        ok = write_file(w, path, headers, rb.frames, err);
        g_byte_array_unref(headers);
    }
    g_byte_array_unref(notes);
    g_array_free(rb.runs, TRUE);
    return ok;
}

gboolean sim_image_save(struct sim_mem *mem, const char *path, GError **err)
{
    struct sim_image_writer *w = sim_image_writer_new(mem);
    gboolean ok = sim_image_writer_save(w, path, err);
    sim_image_writer_free(w);
    return ok;
}

/* ---- symbol names ------------------------------------------------------ */

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **sim_image_symbol_names(const struct sim_image *img, size_t *count)
{
    guint n = 0;
    const char **names = (const char **)g_hash_table_get_keys_as_array(img->symbols, &n);
    qsort(names, n, sizeof(*names), compare_names);
    if (count)
        *count = n;
    return names;
}

/* ---- state blob encoding ------------------------------------------------ */

void sim_state_put_u8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

void sim_state_put_u32(GByteArray *b, uint32_t v)
{
    uint8_t le[4];
    put_le32(le, v);
    g_byte_array_append(b, le, sizeof(le));
}

void sim_state_put_u64(GByteArray *b, uint64_t v)
{
    sim_state_put_u32(b, (uint32_t)v);
    sim_state_put_u32(b, (uint32_t)(v >> 32));
}

void sim_state_put_bytes(GByteArray *b, const void *data, size_t len)
{
    if (len)
        g_byte_array_append(b, data, (guint)len);
}

static void state_fail(struct sim_state_reader *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void state_fail(struct sim_state_reader *r, const char *fmt, ...)
{
    if (r->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    r->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* The next len bytes, or NULL (and the reader fails) past the end. */
static const uint8_t *state_take(struct sim_state_reader *r, const char *field, size_t len)
{
    if (r->error)
        return NULL;
    if (len > r->len - r->off) {
        state_fail(r, "truncated: %s needs %zu bytes at offset %zu of %zu", field, len, r->off, r->len);
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += len;
    return p;
}

void sim_state_reader_init(struct sim_state_reader *r, const char *name, const void *data, size_t len,
                           uint32_t version)
{
    *r = (struct sim_state_reader){ .name = name, .p = data, .len = data ? len : 0 };
    uint32_t v = sim_state_get_u32(r, "the format version");
    if (!r->error && v != version)
        state_fail(r, "format version %u, this simulator reads version %u", v, version);
}

uint8_t sim_state_get_u8(struct sim_state_reader *r, const char *field)
{
    const uint8_t *p = state_take(r, field, 1);
    return p ? p[0] : 0;
}

uint32_t sim_state_get_u32(struct sim_state_reader *r, const char *field)
{
    const uint8_t *p = state_take(r, field, 4);
    return p ? get_le32(p) : 0;
}

uint64_t sim_state_get_u64(struct sim_state_reader *r, const char *field)
{
    const uint8_t *p = state_take(r, field, 8);
    return p ? (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32 : 0;
}

bool sim_state_get_bool(struct sim_state_reader *r, const char *field)
{
    uint8_t v = sim_state_get_u8(r, field);
    if (v > 1)
        state_fail(r, "%s is %u, not a boolean", field, v);
    return v == 1;
}

void sim_state_get_bytes(struct sim_state_reader *r, const char *field, void *out, size_t len)
{
    const uint8_t *p = state_take(r, field, len);
    if (p)
        memcpy(out, p, len);
    else if (len)
        memset(out, 0, len);
}

void sim_state_reject(struct sim_state_reader *r, const char *field, const char *fmt, ...)
{
    if (r->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    state_fail(r, "%s: %s", field, why);
    g_free(why);
}

void sim_state_expect_u32(struct sim_state_reader *r, const char *field, uint32_t want)
{
    uint32_t got = sim_state_get_u32(r, field);
    if (!r->error && got != want)
        state_fail(r, "wrong size: %s is %u in the image, %u in this machine", field, got, want);
}

bool sim_state_reader_finish(struct sim_state_reader *r, GError **err)
{
    if (!r->error && r->off != r->len)
        state_fail(r, "%zu unexpected bytes after the last field", r->len - r->off);
    bool ok = r->error == NULL;
    if (!ok)
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE, "state \"%s\": %s", r->name, r->error);
    g_free(r->error);
    r->error = NULL;
    return ok;
}
