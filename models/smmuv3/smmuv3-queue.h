/*
 * smmuv3-queue.h — queue pointer arithmetic shared by every queue.
 *
 * SMMUv3 queues (the CMDQ, the event queue, and every Tegra241 VCMDQ) are
 * circular arrays of 2^log2size entries addressed by 20-bit pointers:
 * bits [log2size-1:0] are the index, bit [log2size] the wrap flag, higher
 * bits RES0 [smmuv3.md §1.2].  Empty: indexes and wraps equal.  Full:
 * indexes equal, wraps different.  log2size is 0..19; a one-entry queue
 * (log2size 0) has only the wrap bit.
 */
#ifndef SMMUV3_QUEUE_H
#define SMMUV3_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define SMMU_Q_LOG2SIZE_MAX 19u

/* Mask of the index+wrap bits. */
static inline uint32_t smmu_q_ptr_mask(unsigned log2size) { return (2u << log2size) - 1u; }
static inline uint32_t smmu_q_ptr(unsigned log2size, uint32_t p) { return p & smmu_q_ptr_mask(log2size); }
static inline uint32_t smmu_q_idx(unsigned log2size, uint32_t p) { return p & ((1u << log2size) - 1u); }
static inline uint32_t smmu_q_wrap(unsigned log2size, uint32_t p) { return (p >> log2size) & 1u; }
static inline uint32_t smmu_q_entries(unsigned log2size) { return 1u << log2size; }

static inline bool smmu_q_empty(unsigned log2size, uint32_t prod, uint32_t cons)
{
    return smmu_q_ptr(log2size, prod) == smmu_q_ptr(log2size, cons);
}

static inline bool smmu_q_full(unsigned log2size, uint32_t prod, uint32_t cons)
{
    return smmu_q_idx(log2size, prod) == smmu_q_idx(log2size, cons) &&
           smmu_q_wrap(log2size, prod) != smmu_q_wrap(log2size, cons);
}

/* Entries between cons and prod (0 .. 2^log2size). */
static inline uint32_t smmu_q_used(unsigned log2size, uint32_t prod, uint32_t cons)
{
    return (smmu_q_ptr(log2size, prod) - smmu_q_ptr(log2size, cons)) & smmu_q_ptr_mask(log2size);
}

/* Pointer advanced by one entry (index+wrap only; RES0 bits dropped). */
static inline uint32_t smmu_q_inc(unsigned log2size, uint32_t p)
{
    return (smmu_q_ptr(log2size, p) + 1u) & smmu_q_ptr_mask(log2size);
}

/* Pointer advanced by n entries. */
static inline uint32_t smmu_q_add(unsigned log2size, uint32_t p, uint32_t n)
{
    return (smmu_q_ptr(log2size, p) + n) & smmu_q_ptr_mask(log2size);
}

/* Address of the entry a pointer designates. */
static inline uint64_t smmu_q_entry_addr(uint64_t base, unsigned log2size, uint32_t p,
                                         unsigned entry_shift)
{
    return base + ((uint64_t)smmu_q_idx(log2size, p) << entry_shift);
}

/* The base the SMMU uses: ADDR aligned down to max(queue bytes, 32). */
static inline uint64_t smmu_q_effective_base(uint64_t addr, unsigned log2size, unsigned entry_shift)
{
    unsigned align_shift = log2size + entry_shift;
    if (align_shift < 5)
        align_shift = 5;
    return addr & ~((1ULL << align_shift) - 1);
}

#endif /* SMMUV3_QUEUE_H */
