#!/bin/sh
# The exact commands behind docs/what-if.md: five sweeps with `smmusim
# sweep` over the studies' scenario variables (`let NAME ?= default` in
# traces/perf/study-*.trace) and parameters, then the plots the document
# uses, copied into docs/what-if/ as `smmusim merge` draws them.
#
#   docs/what-if/run-sweeps.sh SMMUSIM [WORKDIR] [JOBS]
#
# SMMUSIM is the built executable (e.g. build/sim/cli/smmusim); WORKDIR
# (default /tmp/what-if) receives the sweep directories; JOBS (default 2)
# points run at a time (118 points, about ten seconds on two cores with a
# Release build).  Run from the repository root.
set -eu
SMMUSIM=${1:?usage: run-sweeps.sh SMMUSIM [WORKDIR] [JOBS]}
W=${2:-/tmp/what-if}
J=${3:-2}
DOC=docs/what-if
mkdir -p "$W"

# Study 1: vCPUs (1..128) x LVCMDQs the VM uses (1, 2, 4, 8, 16).
"$SMMUSIM" sweep traces/perf/study-vcpus.trace --jobs "$J" --out "$W/vcpus" \
    --vary vcpus=1..128*2 --vary lvcmdqs=1..16*2 --no-plots
# Study 2: pages per unmap, per-page TLBIs (the calibrated guest) and ranges.
"$SMMUSIM" sweep traces/perf/study-unmap.trace --jobs "$J" --out "$W/unmap" \
    --vary pages=1,4,16,32,64,128,256,512,513,1024,2048 --vary guest.ril=false,true --no-plots
# Study 3: per page (tlbi_cycles varied) and range (tlbi_range_page_cycles varied).
"$SMMUSIM" sweep traces/perf/study-unmap.trace --jobs "$J" --out "$W/perpage-tlbi" --set guest.ril=false \
    --vary pages=1,16,64,256,512,513 --vary smmu.tlbi_cycles=20,40,80,160 --no-plots
"$SMMUSIM" sweep traces/perf/study-unmap.trace --jobs "$J" --out "$W/range-tlbi" --set guest.ril=true \
    --vary pages=1,16,64,256,512,513 --vary smmu.tlbi_range_page_cycles=2,8,32,128 --no-plots
# Check: batch size and CMD_SYNC frequency (inval_storm).
"$SMMUSIM" sweep traces/perf/study-storm.trace --jobs "$J" --out "$W/storm" \
    --vary batch=1..128*2 --no-plots

# plot DIR OUTSTEM STAT: draw STAT with `smmusim merge`, copy it as OUTSTEM.
plot() {
    dir=$1 stem=$2 stat=$3
    "$SMMUSIM" merge "$dir" --plot "$stat" >/dev/null
    cp "$dir/plots/$stat.png" "$DOC/$stem.png"
    cp "$dir/plots/$stat.svg" "$DOC/$stem.svg"
}
plot "$W/vcpus" study1-direct-latency workload.direct.latency
plot "$W/vcpus" study1-trapped-latency workload.trapped.latency
plot "$W/vcpus" study1-host-latency workload.host_vcmdq.latency
plot "$W/unmap" study2-direct-latency workload.direct.latency
plot "$W/unmap" study2-trapped-latency workload.trapped.latency
plot "$W/perpage-tlbi" study3-perpage-direct-latency workload.direct.latency
plot "$W/range-tlbi" study3-range-direct-latency workload.direct.latency
