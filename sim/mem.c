/*
 * mem.c — sparse simulated physical memory.
 *
 * Frames live in a hash table keyed by frame number; a small direct-mapped
 * cache of recent look-ups keeps the common case (a model streaming through
 * a queue or a table) to one compare.  Injected aborts are a short list
 * checked only when non-empty.
 */
#include <string.h>
#include <glib.h>
#include "sim/mem.h"

#define FRAME_CACHE 64

struct frame {
    uint64_t pfn;       /* hash key (pointed to by the table) */
    uint8_t *data;
    bool owned;         /* false: host-backed, not ours to free */
};

struct abort_range {
    unsigned id;
    uint64_t first, last;   /* inclusive */
    enum sim_mem_access what;
};

struct host_range {
    uint64_t addr, len;
};

struct sim_mem {
    GHashTable *frames;
    struct { uint64_t pfn; struct frame *f; } cache[FRAME_CACHE];
    GArray *aborts;         /* struct abort_range */
    GArray *hosts;          /* struct host_range */
    unsigned next_abort_id;
    sim_time_t latency;
};

static void frame_free(gpointer p)
{
    struct frame *f = p;
    if (f->owned)
        g_free(f->data);
    g_free(f);
}

static void cache_flush(struct sim_mem *m)
{
    for (unsigned i = 0; i < FRAME_CACHE; i++) {
        m->cache[i].pfn = UINT64_MAX;
        m->cache[i].f = NULL;
    }
}

struct sim_mem *sim_mem_new(void)
{
    struct sim_mem *m = g_new0(struct sim_mem, 1);
    m->frames = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, frame_free);
    m->aborts = g_array_new(FALSE, FALSE, sizeof(struct abort_range));
    m->hosts = g_array_new(FALSE, FALSE, sizeof(struct host_range));
    m->next_abort_id = 1;
    cache_flush(m);
    return m;
}

void sim_mem_free(struct sim_mem *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->frames);
    g_array_free(m->aborts, TRUE);
    g_array_free(m->hosts, TRUE);
    g_free(m);
}

void sim_mem_set_latency(struct sim_mem *m, sim_time_t latency) { m->latency = latency; }
sim_time_t sim_mem_latency(const struct sim_mem *m) { return m->latency; }

static struct frame *frame_lookup(struct sim_mem *m, uint64_t pfn)
{
    unsigned slot = (unsigned)(pfn & (FRAME_CACHE - 1));
    if (m->cache[slot].pfn == pfn)
        return m->cache[slot].f;
    struct frame *f = g_hash_table_lookup(m->frames, &pfn);
    if (f) {
        m->cache[slot].pfn = pfn;
        m->cache[slot].f = f;
    }
    return f;
}

static struct frame *frame_insert(struct sim_mem *m, uint64_t pfn, uint8_t *data, bool owned)
{
    struct frame *f = g_new(struct frame, 1);
    f->pfn = pfn;
    f->data = data;
    f->owned = owned;
    g_hash_table_replace(m->frames, &f->pfn, f);
    cache_flush(m);
    return f;
}

static struct frame *frame_get(struct sim_mem *m, uint64_t pfn, bool alloc)
{
    struct frame *f = frame_lookup(m, pfn);
    if (!f && alloc)
        f = frame_insert(m, pfn, g_malloc0(SIM_PAGE_SIZE), true);
    return f;
}

/* Does [addr, addr+len) touch an injected abort for this kind of access? */
static bool aborts(const struct sim_mem *m, uint64_t addr, size_t len, enum sim_mem_access what)
{
    if (SIM_LIKELY(m->aborts->len == 0) || len == 0)
        return false;
    uint64_t last = addr + (len - 1);
    if (last < addr)
        last = UINT64_MAX;
    for (guint i = 0; i < m->aborts->len; i++) {
        const struct abort_range *r = &g_array_index(m->aborts, struct abort_range, i);
        if ((r->what & what) && addr <= r->last && last >= r->first)
            return true;
    }
    return false;
}

/* An access whose end wraps past 2^64 aborts, as a bus would. */
static bool wraps(uint64_t addr, size_t len)
{
    return len && addr + (len - 1) < addr;
}

int sim_mem_read(struct sim_mem *m, uint64_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    if (wraps(addr, len) || aborts(m, addr, len, SIM_MEM_READ)) {
        memset(buf, 0, len);
        return SIM_MEM_ABORT;
    }
    while (len) {
        uint64_t off = addr & (SIM_PAGE_SIZE - 1);
        size_t chunk = (size_t)MIN((uint64_t)len, SIM_PAGE_SIZE - off);
        struct frame *f = frame_lookup(m, addr >> SIM_PAGE_SHIFT);
        if (f)
            memcpy(out, f->data + off, chunk);
        else
            memset(out, 0, chunk);
        out += chunk;
        addr += chunk;
        len -= chunk;
    }
    return SIM_MEM_OK;
}

int sim_mem_write(struct sim_mem *m, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    if (wraps(addr, len) || aborts(m, addr, len, SIM_MEM_WRITE))
        return SIM_MEM_ABORT;
    while (len) {
        uint64_t off = addr & (SIM_PAGE_SIZE - 1);
        size_t chunk = (size_t)MIN((uint64_t)len, SIM_PAGE_SIZE - off);
        struct frame *f = frame_get(m, addr >> SIM_PAGE_SHIFT, true);
        memcpy(f->data + off, in, chunk);
        in += chunk;
        addr += chunk;
        len -= chunk;
    }
    return SIM_MEM_OK;
}

int sim_mem_fill(struct sim_mem *m, uint64_t addr, uint8_t byte, size_t len)
{
    if (wraps(addr, len) || aborts(m, addr, len, SIM_MEM_WRITE))
        return SIM_MEM_ABORT;
    while (len) {
        uint64_t off = addr & (SIM_PAGE_SIZE - 1);
        size_t chunk = (size_t)MIN((uint64_t)len, SIM_PAGE_SIZE - off);
        struct frame *f = frame_get(m, addr >> SIM_PAGE_SHIFT, byte != 0);
        if (f)
            memset(f->data + off, byte, chunk);
        addr += chunk;
        len -= chunk;
    }
    return SIM_MEM_OK;
}

static uint64_t le_load(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static void le_store(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static int read_le(struct sim_mem *m, uint64_t addr, unsigned n, uint64_t *v)
{
    uint8_t b[8];
    int rc = sim_mem_read(m, addr, b, n);
    *v = le_load(b, n);
    return rc;
}

static int write_le(struct sim_mem *m, uint64_t addr, unsigned n, uint64_t v)
{
    uint8_t b[8];
    le_store(b, v, n);
    return sim_mem_write(m, addr, b, n);
}

int sim_mem_read8(struct sim_mem *m, uint64_t a, uint8_t *v)
{
    uint64_t x;
    int rc = read_le(m, a, 1, &x);
    *v = (uint8_t)x;
    return rc;
}
int sim_mem_read16(struct sim_mem *m, uint64_t a, uint16_t *v)
{
    uint64_t x;
    int rc = read_le(m, a, 2, &x);
    *v = (uint16_t)x;
    return rc;
}
int sim_mem_read32(struct sim_mem *m, uint64_t a, uint32_t *v)
{
    uint64_t x;
    int rc = read_le(m, a, 4, &x);
    *v = (uint32_t)x;
    return rc;
}
int sim_mem_read64(struct sim_mem *m, uint64_t a, uint64_t *v) { return read_le(m, a, 8, v); }
int sim_mem_write8(struct sim_mem *m, uint64_t a, uint8_t v) { return write_le(m, a, 1, v); }
int sim_mem_write16(struct sim_mem *m, uint64_t a, uint16_t v) { return write_le(m, a, 2, v); }
int sim_mem_write32(struct sim_mem *m, uint64_t a, uint32_t v) { return write_le(m, a, 4, v); }
int sim_mem_write64(struct sim_mem *m, uint64_t a, uint64_t v) { return write_le(m, a, 8, v); }

static bool host_overlaps(const struct sim_mem *m, uint64_t addr, uint64_t len)
{
    for (guint i = 0; i < m->hosts->len; i++) {
        const struct host_range *h = &g_array_index(m->hosts, struct host_range, i);
        if (addr < h->addr + h->len && h->addr < addr + len)
            return true;
    }
    return false;
}

static bool range_ok(uint64_t addr, uint64_t len)
{
    return len && !(addr & (SIM_PAGE_SIZE - 1)) && !(len & (SIM_PAGE_SIZE - 1)) &&
           addr + len - 1 >= addr;
}

bool sim_mem_map_host(struct sim_mem *m, uint64_t addr, void *host, uint64_t len)
{
    if (!host || !range_ok(addr, len) || host_overlaps(m, addr, len))
        return false;
    uint8_t *h = host;
    for (uint64_t off = 0; off < len; off += SIM_PAGE_SIZE) {
        uint64_t pfn = (addr + off) >> SIM_PAGE_SHIFT;
        struct frame *old = frame_lookup(m, pfn);
        if (old)
            memcpy(h + off, old->data, SIM_PAGE_SIZE);
        frame_insert(m, pfn, h + off, false);
    }
    struct host_range r = { addr, len };
    g_array_append_val(m->hosts, r);
    return true;
}

bool sim_mem_unmap_host(struct sim_mem *m, uint64_t addr, uint64_t len)
{
    for (guint i = 0; i < m->hosts->len; i++) {
        struct host_range *r = &g_array_index(m->hosts, struct host_range, i);
        if (r->addr != addr || r->len != len)
            continue;
        for (uint64_t off = 0; off < len; off += SIM_PAGE_SIZE) {
            uint64_t pfn = (addr + off) >> SIM_PAGE_SHIFT;
            struct frame *f = frame_lookup(m, pfn);
            frame_insert(m, pfn, g_memdup2(f->data, SIM_PAGE_SIZE), true);
        }
        g_array_remove_index(m->hosts, i);
        return true;
    }
    return false;
}

unsigned sim_mem_inject_abort(struct sim_mem *m, uint64_t addr, uint64_t len, enum sim_mem_access what)
{
    struct abort_range r;
    r.id = m->next_abort_id++;
    r.first = addr;
    r.last = len ? addr + (len - 1) : addr;
    if (r.last < addr)
        r.last = UINT64_MAX;
    r.what = what;
    g_array_append_val(m->aborts, r);
    return r.id;
}

void sim_mem_clear_abort(struct sim_mem *m, unsigned id)
{
    for (guint i = 0; i < m->aborts->len; i++) {
        if (g_array_index(m->aborts, struct abort_range, i).id == id) {
            g_array_remove_index(m->aborts, i);
            return;
        }
    }
}

void sim_mem_clear_all_aborts(struct sim_mem *m)
{
    g_array_set_size(m->aborts, 0);
}

uint8_t *sim_mem_frame(struct sim_mem *m, uint64_t addr, bool alloc)
{
    uint64_t base = addr & SIM_PAGE_MASK;
    if (aborts(m, base, SIM_PAGE_SIZE, SIM_MEM_RW))
        return NULL;
    struct frame *f = frame_get(m, addr >> SIM_PAGE_SHIFT, alloc);
    return f ? f->data : NULL;
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void sim_mem_foreach_frame(struct sim_mem *m, sim_mem_frame_fn fn, void *opaque)
{
    GArray *pfns = g_array_sized_new(FALSE, FALSE, sizeof(uint64_t), g_hash_table_size(m->frames));
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, m->frames);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_array_append_val(pfns, *(uint64_t *)key);
    g_array_sort(pfns, cmp_u64);
    for (guint i = 0; i < pfns->len; i++) {
        uint64_t pfn = g_array_index(pfns, uint64_t, i);
        struct frame *f = frame_lookup(m, pfn);
        fn(pfn << SIM_PAGE_SHIFT, f->data, opaque);
    }
    g_array_free(pfns, TRUE);
}

uint64_t sim_mem_frame_count(const struct sim_mem *m)
{
    return g_hash_table_size(m->frames);
}
