/*
 * check_image.c — ELF memory images (sim/image.h): save/load round trip,
 * QEMU-style cores with many segments and the PN_XNUM count, zero-filled
 * tails, symbols, state notes, and every kind of malformed file (each a
 * GError naming the file and segment, with memory left untouched).
 *
 * Test images are built here byte by byte (headers encoded with libelf's
 * translation functions), so each defect can be placed exactly.
 */
#include <gelf.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "core-check.h"
#include "sim/image.h"
#include "sim/mem.h"

#define TOP_PAGE (UINT64_MAX & SIM_PAGE_MASK)

static char *dir;
static struct sim_mem *mem;

static void setup(void)
{
    elf_version(EV_CURRENT);
    dir = g_dir_make_tmp("smmusim-image-XXXXXX", NULL);
    ck_assert_ptr_nonnull(dir);
    mem = sim_mem_new();
}

static unsigned dir_entries(void)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    unsigned n = 0;
    while (d && g_dir_read_name(d))
        n++;
    if (d)
        g_dir_close(d);
    return n;
}

static void teardown(void)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        char *f = g_build_filename(dir, name, NULL);
        g_unlink(f);
        g_free(f);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
    sim_mem_free(mem);
}

/* ---- building test images --------------------------------------------- */

static void encode(void *dst, const void *src, size_t size, Elf_Type type)
{
    Elf_Data s = { .d_buf = (void *)src, .d_type = type, .d_version = EV_CURRENT, .d_size = size };
    Elf_Data d = { .d_buf = dst, .d_type = type, .d_version = EV_CURRENT, .d_size = size };
    ck_assert_ptr_nonnull(elf64_xlatetof(&d, &s, ELFDATA2LSB));
}

struct tseg {
    uint32_t type;
    uint64_t paddr, vaddr, filesz, memsz;
    uint64_t offset;    /* filled in by build (unless keep_offset) */
    bool keep_offset;
    const void *data;   /* file bytes; NULL = pattern derived from the index */
};

struct tsec {
    Elf64_Shdr sh;      /* sh_offset filled in from `data` unless data is NULL */
    const void *data;
    size_t len;
};

/* An ELF64 LE image: header, program headers, segment bytes, then section
 * data and the section-header table if any.  `phnum_field` overrides e_phnum
 * (PN_XNUM); then section 0's sh_info should carry the count. */
static GByteArray *build(struct tseg *segs, size_t n, struct tsec *secs, size_t nsec,
                         uint16_t machine, uint16_t type, int phnum_field)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_set_size(b, (guint)(sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr)));
    for (size_t i = 0; i < n; i++) {
        if (!segs[i].keep_offset)
            segs[i].offset = b->len;
        if (segs[i].keep_offset)
            continue;
        guint at = b->len;
        g_byte_array_set_size(b, (guint)(at + segs[i].filesz));
        for (uint64_t k = 0; k < segs[i].filesz; k++)
            b->data[at + k] = segs[i].data ? ((const uint8_t *)segs[i].data)[k]
                                           : (uint8_t)(i * 31 + k * 7 + 1);
    }
    for (size_t i = 0; i < nsec; i++) {
        if (!secs[i].data)
            continue;
        secs[i].sh.sh_offset = b->len;
        secs[i].sh.sh_size = secs[i].len;
        g_byte_array_append(b, secs[i].data, (guint)secs[i].len);
    }
    uint64_t shoff = nsec ? b->len : 0;
    if (nsec) {
        g_byte_array_set_size(b, (guint)(b->len + nsec * sizeof(Elf64_Shdr)));
        for (size_t i = 0; i < nsec; i++)
            encode(b->data + shoff + i * sizeof(Elf64_Shdr), &secs[i].sh, sizeof(Elf64_Shdr), ELF_T_SHDR);
    }
    Elf64_Ehdr eh = { 0 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = type;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = 0x40001000;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = phnum_field >= 0 ? (uint16_t)phnum_field : (uint16_t)n;
    eh.e_shentsize = nsec ? sizeof(Elf64_Shdr) : 0;
    eh.e_shnum = (uint16_t)nsec;
    encode(b->data, &eh, sizeof(eh), ELF_T_EHDR);
    for (size_t i = 0; i < n; i++) {
        Elf64_Phdr ph = { .p_type = segs[i].type, .p_flags = PF_R, .p_offset = segs[i].offset,
                          .p_vaddr = segs[i].vaddr, .p_paddr = segs[i].paddr,
                          .p_filesz = segs[i].filesz, .p_memsz = segs[i].memsz, .p_align = 4 };
        encode(b->data + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), &ph, sizeof(ph), ELF_T_PHDR);
    }
    return b;
}

static char *save_bytes(const char *name, const void *data, size_t len)
{
    char *path = g_build_filename(dir, name, NULL);
    ck_assert(g_file_set_contents(path, data, (gssize)len, NULL));
    return path;
}

static char *save_array(const char *name, GByteArray *b)
{
    char *path = save_bytes(name, b->data, b->len);
    g_byte_array_unref(b);
    return path;
}

static uint8_t pattern_byte(size_t seg, uint64_t k)
{
    return (uint8_t)(seg * 31 + k * 7 + 1);
}

/* Three good segments, for the malformed-file variants to spoil. */
static void good_segments(struct tseg s[3])
{
    memset(s, 0, 3 * sizeof(*s));
    s[0] = (struct tseg){ .type = PT_LOAD, .paddr = 0x1000, .vaddr = 0x1000, .filesz = 0x100, .memsz = 0x100 };
    s[1] = (struct tseg){ .type = PT_LOAD, .paddr = 0x8000, .vaddr = 0x8000, .filesz = 0x80, .memsz = 0x1000 };
    s[2] = (struct tseg){ .type = PT_LOAD, .paddr = 0x20000, .vaddr = 0x20000, .filesz = 0x40, .memsz = 0x40 };
}

/* Load must fail with `code`, mention the file and each fragment, and leave
 * memory without a single frame. */
static void expect_load_error(const char *path, int code, const char *frag1, const char *frag2)
{
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img == NULL && err != NULL, "%s loaded", path);
    ck_assert_msg(err->domain == SIM_IMAGE_ERROR, "domain: %s", err->message);
    ck_assert_msg(err->code == code, "code %d want %d: %s", err->code, code, err->message);
    ck_assert_msg(strstr(err->message, path), "no file name in: %s", err->message);
    if (frag1)
        ck_assert_msg(strstr(err->message, frag1), "'%s' missing: %s", frag1, err->message);
    if (frag2)
        ck_assert_msg(strstr(err->message, frag2), "'%s' missing: %s", frag2, err->message);
    g_error_free(err);
    ck_assert_uint_eq(sim_mem_frame_count(mem), 0);
}

/* ---- round trip -------------------------------------------------------- */

struct compare_ctx {
    struct sim_mem *other;
    uint64_t frames;
};

static void compare_frame(uint64_t addr, const uint8_t *data, void *opaque)
{
    struct compare_ctx *c = opaque;
    static uint8_t buf[4096];
    ck_assert_int_eq(sim_mem_read(c->other, addr, buf, sizeof(buf)), SIM_MEM_OK);
    ck_assert_msg(memcmp(buf, data, sizeof(buf)) == 0, "frame 0x%llx differs", (unsigned long long)addr);
    c->frames++;
}

START_TEST(test_round_trip)
{
    static const uint64_t pages[] = { 0x0, 0x1000, 0x5000, 1ULL << 40, (1ULL << 40) + 0x1000,
                                      (1ULL << 40) + 0x2000, TOP_PAGE };
    GRand *r = g_rand_new_with_seed(5);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(pages); i++) {
        uint8_t *f = sim_mem_frame(mem, pages[i], true);
        for (unsigned k = 0; k < SIM_PAGE_SIZE; k++)
            f[k] = (uint8_t)g_rand_int(r);
    }
    g_rand_free(r);
    uint8_t regs[64], cmdqv[100];
    for (unsigned i = 0; i < sizeof(regs); i++)
        regs[i] = (uint8_t)(0xa0 + i);
    for (unsigned i = 0; i < sizeof(cmdqv); i++)
        cmdqv[i] = (uint8_t)(3 * i);

    struct sim_image_writer *w = sim_image_writer_new(mem);
    sim_image_add_state(w, "smmu-regs", "old", 3);
    sim_image_add_state(w, "cmdqv-regs", cmdqv, sizeof(cmdqv));
    sim_image_add_state(w, "smmu-regs", regs, sizeof(regs));  /* replaces */
    sim_image_add_state(w, "empty", NULL, 0);
    char *path = g_build_filename(dir, "snap.core", NULL);
    GError *err = NULL;
    ck_assert_msg(sim_image_writer_save(w, path, &err), "%s", err ? err->message : "");
    sim_image_writer_free(w);
    ck_assert_uint_eq(dir_entries(), 1);  /* no temporary left behind */

    struct sim_mem *fresh = sim_mem_new();
    struct sim_image *img = sim_image_load(fresh, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_mem_frame_count(fresh), SIM_ARRAY_SIZE(pages));
    struct compare_ctx c = { fresh, 0 };
    sim_mem_foreach_frame(mem, compare_frame, &c);
    ck_assert_uint_eq(c.frames, SIM_ARRAY_SIZE(pages));
    /* adjacent frames coalesce: [0,2 pages) [0x5000] [2^40, 3 pages) [top] */
    ck_assert_uint_eq(sim_image_segment_count(img), 4);

    size_t len = 0;
    const uint8_t *blob = sim_image_state(img, "smmu-regs", &len);
    ck_assert_ptr_nonnull(blob);
    ck_assert_uint_eq(len, sizeof(regs));
    ck_assert_mem_eq(blob, regs, sizeof(regs));
    blob = sim_image_state(img, "cmdqv-regs", &len);
    ck_assert_uint_eq(len, sizeof(cmdqv));
    ck_assert_mem_eq(blob, cmdqv, sizeof(cmdqv));
    len = 99;
    ck_assert_ptr_nonnull(sim_image_state(img, "empty", &len));
    ck_assert_uint_eq(len, 0);
    len = 77;
    ck_assert_ptr_null(sim_image_state(img, "missing", &len));
    ck_assert_uint_eq(len, 77);
    sim_image_free(img);
    sim_mem_free(fresh);

    /* the file itself, as libelf sees it */
    char *bytes;
    gsize size;
    ck_assert(g_file_get_contents(path, &bytes, &size, NULL));
    Elf *e = elf_memory(bytes, size);
    GElf_Ehdr eh;
    size_t phnum;
    ck_assert_ptr_nonnull(gelf_getehdr(e, &eh));
    ck_assert_uint_eq(eh.e_type, ET_CORE);
    ck_assert_uint_eq(eh.e_machine, EM_AARCH64);
    ck_assert_int_eq(elf_getphdrnum(e, &phnum), 0);
    ck_assert_uint_eq(phnum, 5);
    GElf_Phdr ph;
    gelf_getphdr(e, 0, &ph);
    ck_assert_uint_eq(ph.p_type, PT_NOTE);
    gelf_getphdr(e, 3, &ph);
    ck_assert_uint_eq(ph.p_type, PT_LOAD);
    ck_assert_uint_eq(ph.p_paddr, 1ULL << 40);
    ck_assert_uint_eq(ph.p_filesz, 3 * SIM_PAGE_SIZE);
    ck_assert_uint_eq(ph.p_offset % SIM_PAGE_SIZE, 0);
    elf_end(e);
    g_free(bytes);
    g_free(path);
}
END_TEST

START_TEST(test_save_empty_memory_with_state)
{
    GError *err = NULL;
    char *path = g_build_filename(dir, "state-only.core", NULL);
    struct sim_image_writer *w = sim_image_writer_new(mem);
    sim_image_add_state(w, "smmu-regs", "\x01\x02\x03", 3);
    ck_assert(sim_image_writer_save(w, path, &err));
    sim_image_writer_free(w);
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_image_segment_count(img), 0);
    size_t len;
    ck_assert_mem_eq(sim_image_state(img, "smmu-regs", &len), "\x01\x02\x03", 3);
    sim_image_free(img);
    /* and with nothing at all */
    ck_assert(sim_image_save(mem, path, &err));
    img = sim_image_load(mem, path, &err);
    ck_assert_ptr_nonnull(img);
    ck_assert_ptr_null(sim_image_state(img, "smmu-regs", &len));
    sim_image_free(img);
    g_free(path);
}
END_TEST

START_TEST(test_save_errors)
{
    GError *err = NULL;
    sim_mem_write32(mem, 0x1000, 1);
    char *path = g_build_filename(dir, "no-such-dir", "x.core", NULL);
    ck_assert(!sim_image_save(mem, path, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, SIM_IMAGE_ERROR_IO);
    ck_assert_msg(strstr(err->message, path), "%s", err->message);
    g_error_free(err);
    ck_assert_uint_eq(dir_entries(), 0);
    g_free(path);
}
END_TEST

/* ---- loading ------------------------------------------------------------ */

START_TEST(test_load_segments_and_tail)
{
    struct tseg s[3];
    good_segments(s);
    s[1].paddr = 0x10000;
    s[1].filesz = 10;
    s[1].memsz = 0x3000;
    /* memory already holds data where the tail goes, and beyond it */
    ck_assert_int_eq(sim_mem_fill(mem, 0xf000, 0xff, 0x5000), SIM_MEM_OK);
    uint64_t frames_before = sim_mem_frame_count(mem);
    char *path = save_array("tail.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_image_segment_count(img), 3);
    ck_assert_uint_eq(sim_image_entry(img), 0x40001000);
    uint8_t b;
    for (uint64_t k = 0; k < 0x100; k += 0x11) {
        sim_mem_read8(mem, 0x1000 + k, &b);
        ck_assert_uint_eq(b, pattern_byte(0, k));
    }
    sim_mem_read8(mem, 0x10009, &b);
    ck_assert_uint_eq(b, pattern_byte(1, 9));
    static uint8_t buf[0x3000];
    sim_mem_read(mem, 0x1000a, buf, 0x3000 - 10);
    for (unsigned k = 0; k < 0x3000 - 10; k++)
        ck_assert_msg(buf[k] == 0, "tail byte %u not zero", k);
    sim_mem_read8(mem, 0xffff, &b);
    ck_assert_uint_eq(b, 0xff);  /* outside the segment: untouched */
    sim_mem_read8(mem, 0x13000, &b);
    ck_assert_uint_eq(b, 0xff);
    ck_assert_uint_eq(sim_mem_frame_count(mem), frames_before + 2);  /* 0x1000 and 0x20000 */
    sim_image_free(img);
    g_free(path);
}
END_TEST

/* A huge zero-filled tail costs nothing: absent frames already read zero. */
START_TEST(test_load_huge_bss)
{
    struct tseg s[3];
    good_segments(s);
    s[1] = (struct tseg){ .type = PT_LOAD, .paddr = 1ULL << 44, .vaddr = 0, .filesz = 0,
                          .memsz = 1ULL << 42 };
    char *path = save_array("bss.elf", build(s, 1 + 1, NULL, 0, EM_RISCV, ET_EXEC, -1));
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_mem_frame_count(mem), 1);
    uint64_t v = 1;
    sim_mem_read64(mem, (1ULL << 44) + 12345 * 8, &v);
    ck_assert_uint_eq(v, 0);
    sim_image_free(img);
    g_free(path);
}
END_TEST

/* Like `dump-guest-memory`: ET_CORE, a CORE note first, many PT_LOADs whose
 * virtual addresses differ from the physical ones. */
START_TEST(test_load_qemu_style_core)
{
    enum { N = 300 };
    static struct tseg s[N + 1];
    static const uint8_t note[] = {
        5, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 'C', 'O', 'R', 'E', 0, 0, 0, 0,
        1, 2, 3, 4, 5, 6, 7, 8,
    };
    s[0] = (struct tseg){ .type = PT_NOTE, .filesz = sizeof(note), .data = note };
    for (int i = 1; i <= N; i++)
        s[i] = (struct tseg){ .type = PT_LOAD, .paddr = (uint64_t)i * 0x3000,
                              .vaddr = 0xffff800000000000ULL + (uint64_t)i * 0x10000,
                              .filesz = 0x1000 + (uint64_t)i, .memsz = 0x1000 + (uint64_t)i };
    char *path = save_array("qemu.core", build(s, N + 1, NULL, 0, EM_X86_64, ET_CORE, -1));
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_image_segment_count(img), N);
    for (int i = 1; i <= N; i += 37) {
        uint8_t b;
        uint64_t last = 0x1000 + (uint64_t)i - 1;
        sim_mem_read8(mem, (uint64_t)i * 0x3000 + last, &b);
        ck_assert_uint_eq(b, pattern_byte((size_t)i, last));
    }
    ck_assert_uint_eq(sim_mem_frame_count(mem), 2 * N);
    size_t len;
    ck_assert_ptr_null(sim_image_state(img, "CORE", &len));
    sim_image_free(img);
    g_free(path);
}
END_TEST

/* More program headers than e_phnum can hold: e_phnum = PN_XNUM and the
 * real count in sh_info of section 0. */
START_TEST(test_load_pn_xnum)
{
    enum { N = 3000 };
    static struct tseg s[N];
    for (int i = 0; i < N; i++)
        s[i] = (struct tseg){ .type = PT_LOAD, .paddr = (uint64_t)i * 0x1000 + 8, .filesz = 16,
                              .memsz = 16 };
    struct tsec sec0 = { .sh = { .sh_type = SHT_NULL, .sh_info = N } };
    char *path = save_array("xnum.core", build(s, N, &sec0, 1, EM_AARCH64, ET_CORE, PN_XNUM));
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_image_segment_count(img), N);
    ck_assert_uint_eq(sim_mem_frame_count(mem), N);
    uint8_t b;
    sim_mem_read8(mem, (N - 1) * 0x1000ULL + 8 + 15, &b);
    ck_assert_uint_eq(b, pattern_byte(N - 1, 15));
    sim_image_free(img);
    g_free(path);

    /* saved again (N separate runs) and reloaded: the same frames */
    path = g_build_filename(dir, "again.core", NULL);
    ck_assert(sim_image_save(mem, path, &err));
    struct sim_mem *fresh = sim_mem_new();
    img = sim_image_load(fresh, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_mem_frame_count(fresh), N);
    sim_image_free(img);
    sim_mem_free(fresh);
    g_free(path);
}
END_TEST

START_TEST(test_pn_xnum_without_section_zero)
{
    struct tseg s[3];
    good_segments(s);
    char *path = save_array("xnum-nosec.core", build(s, 3, NULL, 0, EM_AARCH64, ET_CORE, PN_XNUM));
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "PN_XNUM", NULL);
    g_free(path);
}
END_TEST

/* ---- symbols ------------------------------------------------------------- */

static GByteArray *image_with_symbols(uint32_t strtab_link)
{
    static const char strtab[] = "\0stream_table\0outside\0local_thing\0";
    Elf64_Sym syms[5] = { { 0 } };
    syms[1] = (Elf64_Sym){ .st_name = 1, .st_info = GELF_ST_INFO(STB_LOCAL, STT_OBJECT), .st_shndx = 1,
                           .st_value = 0xffff000000400180ULL };
    syms[2] = (Elf64_Sym){ .st_name = 14, .st_info = GELF_ST_INFO(STB_GLOBAL, STT_NOTYPE),
                           .st_shndx = SHN_ABS, .st_value = 5 };
    syms[3] = (Elf64_Sym){ .st_name = 22, .st_info = GELF_ST_INFO(STB_LOCAL, STT_FUNC), .st_shndx = 1,
                           .st_value = 0xffff000000400010ULL };
    /* a global of the same name wins over the local one */
    syms[4] = (Elf64_Sym){ .st_name = 1, .st_info = GELF_ST_INFO(STB_GLOBAL, STT_OBJECT), .st_shndx = 1,
                           .st_value = 0xffff000000400100ULL };
    static uint8_t symbytes[sizeof(syms)];
    for (unsigned i = 0; i < 5; i++)
        encode(symbytes + i * sizeof(Elf64_Sym), &syms[i], sizeof(Elf64_Sym), ELF_T_SYM);
    struct tsec secs[3] = {
        { .sh = { .sh_type = SHT_NULL } },
        { .sh = { .sh_type = SHT_SYMTAB, .sh_link = strtab_link, .sh_info = 1,
                  .sh_entsize = sizeof(Elf64_Sym), .sh_addralign = 8 },
          .data = symbytes, .len = sizeof(symbytes) },
        { .sh = { .sh_type = SHT_STRTAB, .sh_addralign = 1 }, .data = strtab, .len = sizeof(strtab) },
    };
    struct tseg s = { .type = PT_LOAD, .paddr = 0x80000000, .vaddr = 0xffff000000400000ULL,
                      .filesz = 0x200, .memsz = 0x1000 };
    return build(&s, 1, secs, 3, EM_AARCH64, ET_EXEC, -1);
}

START_TEST(test_symbols)
{
    char *path = save_array("syms.elf", image_with_symbols(2));
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    uint64_t addr = 0;
    ck_assert(sim_image_symbol(img, "stream_table", &addr));
    ck_assert_uint_eq(addr, 0x80000100);  /* virtual address translated to where it was loaded */
    ck_assert(sim_image_symbol(img, "outside", &addr));
    ck_assert_uint_eq(addr, 5);
    ck_assert(sim_image_symbol(img, "local_thing", &addr));
    ck_assert_uint_eq(addr, 0x80000010);
    ck_assert(!sim_image_symbol(img, "missing", &addr));
    ck_assert(!sim_image_symbol(img, "", &addr));
    sim_image_free(img);
    g_free(path);
}
END_TEST

START_TEST(test_bad_symbol_table)
{
    char *path = save_array("badsyms.elf", image_with_symbols(9));
    expect_load_error(path, SIM_IMAGE_ERROR_SYMBOLS, "section 1", NULL);
    g_free(path);
}
END_TEST

START_TEST(test_no_symbols)
{
    struct tseg s[3];
    good_segments(s);
    char *path = save_array("nosyms.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    struct sim_image *img = sim_image_load(mem, path, NULL);
    ck_assert_ptr_nonnull(img);
    ck_assert(!sim_image_symbol(img, "stream_table", NULL));
    sim_image_free(img);
    g_free(path);
}
END_TEST

/* ---- malformed files ------------------------------------------------------ */

START_TEST(test_not_found_and_not_regular)
{
    char *path = g_build_filename(dir, "absent.elf", NULL);
    expect_load_error(path, SIM_IMAGE_ERROR_IO, NULL, NULL);
    g_free(path);
    expect_load_error(dir, SIM_IMAGE_ERROR_IO, NULL, NULL);
}
END_TEST

START_TEST(test_not_elf)
{
    char *path = save_bytes("empty.elf", "", 0);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "not an ELF", NULL);
    g_free(path);
    path = save_bytes("text.elf", "hello, world\n", 13);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "not an ELF", NULL);
    g_free(path);
}
END_TEST

static GByteArray *good_image(void)
{
    static struct tseg s[3];
    good_segments(s);
    return build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1);
}

START_TEST(test_truncated)
{
    GByteArray *b = good_image();
    char *path = save_bytes("trunc10.elf", b->data, 10);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "truncated", NULL);
    g_free(path);
    path = save_bytes("trunc40.elf", b->data, 40);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "truncated", NULL);
    g_free(path);
    /* header intact, program headers cut off */
    path = save_bytes("trunc100.elf", b->data, 100);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "program headers", NULL);
    g_free(path);
    /* program headers intact, the last segment's bytes cut short */
    path = save_bytes("truncdata.elf", b->data, b->len - 1);
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segment 2", "beyond the end");
    g_free(path);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_wrong_class_and_endianness)
{
    GByteArray *b = good_image();
    b->data[EI_CLASS] = ELFCLASS32;
    char *path = save_bytes("class32.elf", b->data, b->len);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "class", NULL);
    g_free(path);
    b->data[EI_CLASS] = ELFCLASS64;
    b->data[EI_DATA] = ELFDATA2MSB;
    path = save_bytes("bigendian.elf", b->data, b->len);
    expect_load_error(path, SIM_IMAGE_ERROR_FORMAT, "little-endian", NULL);
    g_free(path);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_segment_beyond_file)
{
    struct tseg s[3];
    good_segments(s);
    s[1].keep_offset = true;
    s[1].offset = 0x100000;
    char *path = save_array("far.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segment 1", "beyond the end");
    g_free(path);
    good_segments(s);
    s[2].keep_offset = true;
    s[2].offset = UINT64_MAX - 2;  /* offset + size wraps */
    path = save_array("wrapoff.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segment 2", NULL);
    g_free(path);
}
END_TEST

START_TEST(test_filesz_exceeds_memsz)
{
    struct tseg s[3];
    good_segments(s);
    s[2].memsz = s[2].filesz - 1;
    char *path = save_array("fm.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segment 2", "p_filesz");
    g_free(path);
}
END_TEST

START_TEST(test_address_overflow)
{
    struct tseg s[3];
    good_segments(s);
    s[1].paddr = UINT64_MAX - 0x10;
    char *path = save_array("ovf.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segment 1", NULL);
    g_free(path);

    /* ending exactly at 2^64 is fine */
    good_segments(s);
    s[1].paddr = UINT64_MAX - 0xfff;
    path = save_array("top.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    uint8_t b;
    sim_mem_read8(mem, UINT64_MAX - 0xfff, &b);
    ck_assert_uint_eq(b, pattern_byte(1, 0));
    sim_image_free(img);
    g_free(path);
}
END_TEST

START_TEST(test_overlapping_segments)
{
    struct tseg s[3];
    good_segments(s);
    s[2].paddr = 0x10f0;  /* inside segment 0 [0x1000, 0x1100) */
    char *path = save_array("overlap.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segments 0 and 2", NULL);
    g_free(path);
    /* the zero-filled part counts too */
    good_segments(s);
    s[2].paddr = 0x8f00;  /* inside segment 1's memsz, beyond its filesz */
    path = save_array("overlap2.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_SEGMENT, "segments 1 and 2", NULL);
    g_free(path);
}
END_TEST

START_TEST(test_bad_notes)
{
    /* an SMMUSIM state note whose descriptor has no NUL-terminated name */
    static const uint8_t noname[] = { 8, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 'S', 'M', 'M', 'U', 'S', 'I', 'M', 0,
                                      'a', 'b', 'c', 'd' };
    struct tseg s[3];
    good_segments(s);
    s[2] = (struct tseg){ .type = PT_NOTE, .filesz = sizeof(noname), .data = noname };
    char *path = save_array("noname.core", build(s, 3, NULL, 0, EM_AARCH64, ET_CORE, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_NOTE, "segment 2", NULL);
    g_free(path);

    /* a note whose sizes run past its segment */
    static const uint8_t runaway[] = { 8, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0, 'S', 'M', 'M', 'U', 'S', 'I',
                                       'M', 0 };
    good_segments(s);
    s[0] = (struct tseg){ .type = PT_NOTE, .filesz = sizeof(runaway), .data = runaway };
    path = save_array("runaway.core", build(s, 3, NULL, 0, EM_AARCH64, ET_CORE, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_NOTE, "segment 0", NULL);
    g_free(path);

    /* the same blob name twice */
    static const uint8_t twice[] = {
        8, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 'S', 'M', 'M', 'U', 'S', 'I', 'M', 0, 'x', 0, 0, 0,
        8, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 'S', 'M', 'M', 'U', 'S', 'I', 'M', 0, 'x', 0, 0, 0,
    };
    good_segments(s);
    s[1] = (struct tseg){ .type = PT_NOTE, .filesz = sizeof(twice), .data = twice };
    path = save_array("twice.core", build(s, 3, NULL, 0, EM_AARCH64, ET_CORE, -1));
    expect_load_error(path, SIM_IMAGE_ERROR_NOTE, "segment 1", "\"x\"");
    g_free(path);
}
END_TEST

/* Memory that refuses a write is found before anything is written. */
START_TEST(test_memory_refuses)
{
    struct tseg s[3];
    good_segments(s);
    char *path = save_array("abort.elf", build(s, 3, NULL, 0, EM_AARCH64, ET_EXEC, -1));
    sim_mem_inject_abort(mem, 0x20000, 0x1000, SIM_MEM_WRITE);
    GError *err = NULL;
    ck_assert_ptr_null(sim_image_load(mem, path, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, SIM_IMAGE_ERROR_MEMORY);
    ck_assert_msg(strstr(err->message, "segment 2"), "%s", err->message);
    g_error_free(err);
    uint8_t b = 1;
    sim_mem_read8(mem, 0x1000, &b);
    ck_assert_uint_eq(b, 0);  /* segment 0 was not written either */
    sim_mem_clear_all_aborts(mem);
    struct sim_image *img = sim_image_load(mem, path, &err);
    ck_assert_ptr_nonnull(img);
    sim_image_free(img);
    g_free(path);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("image");
    TCase *tc = tcase_create("save");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_save_empty_memory_with_state);
    tcase_add_test(tc, test_save_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_load_segments_and_tail);
    tcase_add_test(tc, test_load_huge_bss);
    tcase_add_test(tc, test_load_qemu_style_core);
    tcase_add_test(tc, test_load_pn_xnum);
    tcase_add_test(tc, test_symbols);
    tcase_add_test(tc, test_bad_symbol_table);
    tcase_add_test(tc, test_no_symbols);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_not_found_and_not_regular);
    tcase_add_test(tc, test_not_elf);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_wrong_class_and_endianness);
    tcase_add_test(tc, test_segment_beyond_file);
    tcase_add_test(tc, test_filesz_exceeds_memsz);
    tcase_add_test(tc, test_address_overflow);
    tcase_add_test(tc, test_overlapping_segments);
    tcase_add_test(tc, test_bad_notes);
    tcase_add_test(tc, test_memory_refuses);
    tcase_add_test(tc, test_pn_xnum_without_section_zero);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
