#!/bin/sh
# The exact commands behind docs/what-if.md: four sweeps with `smmusim
# sweep` (2 points at a time; about two minutes on two cores), then the
# plots the document uses, relabelled and copied into docs/what-if/.
#
#   docs/what-if/run-sweeps.sh SMMUSIM [WORKDIR]
#
# SMMUSIM is the built executable (e.g. build/sim/cli/smmusim); WORKDIR
# (default /tmp/what-if) receives the sweep directories.  Run from the
# repository root.  The scenarios carry their x value (vCPUs, pages, batch)
# in machine.seed (see the scenarios' headers); the relabelling below
# renames that axis in the generated gnuplot scripts, which `smmusim merge`
# writes to be edited and rerun (docs/sweeps.md), and changes nothing else.
set -eu
SMMUSIM=${1:?usage: run-sweeps.sh SMMUSIM [WORKDIR]}
W=${2:-/tmp/what-if}
DOC=docs/what-if
mkdir -p "$W"

# Study 1: vCPUs (1..128) x LVCMDQs per VM (num_vintf_log2 6,5,4,3 = 2,4,8,16).
"$SMMUSIM" sweep traces/perf/study-vcpus.trace --jobs 2 --out "$W/vcpus" \
    --vary machine.seed=1..128*2 --vary cmdqv.num_vintf_log2=6,5,4,3 --no-plots
# Study 2: pages per unmap, per-page TLBIs (the calibrated guest).
"$SMMUSIM" sweep traces/perf/study-unmap.trace --jobs 2 --out "$W/unmap" \
    --vary machine.seed=1,4,16,32,64,128,256,512,513,1024,2048 --no-plots
# Study 3: per page (tlbi_cycles varied) and range (tlbi_range_page_cycles varied).
"$SMMUSIM" sweep traces/perf/study-unmap.trace --jobs 2 --out "$W/perpage-tlbi" \
    --vary machine.seed=1,16,64,256,512,513 --vary smmu.tlbi_cycles=20,40,80,160 --no-plots
"$SMMUSIM" sweep traces/perf/study-unmap-ril.trace --jobs 2 --out "$W/range-tlbi" \
    --vary machine.seed=1,16,64,256,512,513 --vary smmu.tlbi_range_page_cycles=2,8,32,128 --no-plots
# Check: batch size and CMD_SYNC frequency (inval_storm).
"$SMMUSIM" sweep traces/perf/study-storm.trace --jobs 2 --out "$W/storm" \
    --vary machine.seed=1..128*2 --no-plots

# merge DIR XLABEL OUTSTEM STAT [SED]: plot STAT, relabel, copy as OUTSTEM.
plot() {
    dir=$1 xlabel=$2 stem=$3 stat=$4 series=${5:-}
    "$SMMUSIM" merge "$dir" --plot "$stat" --no-plots >/dev/null
    gp="$dir/plots/$stat.gp"
    sed -i -e "s|versus machine.seed|versus $xlabel|" \
           -e "s|^set xlabel \"machine.seed\"|set xlabel \"$xlabel\"|" \
           -e 's|^set ylabel "ns" noenhanced|set ylabel "latency (us)" noenhanced\nset yrange [0:*]|' \
           -e 's|/1000.0)|/1000000.0)|g' "$gp"
    [ -z "$series" ] || sed -i -e "$series" "$gp"
    (cd "$dir/plots" && gnuplot "$stat.gp")
    cp "$dir/plots/$stat.png" "$DOC/$stem.png"
    cp "$dir/plots/$stat.svg" "$DOC/$stem.svg"
}
LV='s/cmdqv.num_vintf_log2=6/2 LVCMDQs per VM/; s/cmdqv.num_vintf_log2=5/4 LVCMDQs per VM/; s/cmdqv.num_vintf_log2=4/8 LVCMDQs per VM/; s/cmdqv.num_vintf_log2=3/16 LVCMDQs per VM/'
plot "$W/vcpus" "vCPUs (each unmapping 4 KiB in a loop)" \
    study1-direct-latency workload.direct.latency "$LV"
plot "$W/vcpus" "vCPUs (each unmapping 4 KiB in a loop)" \
    study1-trapped-latency workload.trapped.latency "$LV"
plot "$W/unmap" "pages of 4 KiB per unmap" study2-direct-latency workload.direct.latency
plot "$W/unmap" "pages of 4 KiB per unmap" study2-trapped-latency workload.trapped.latency
plot "$W/perpage-tlbi" "pages of 4 KiB per unmap (per-page TLBIs)" \
    study3-perpage-direct-latency workload.direct.latency
plot "$W/range-tlbi" "pages of 4 KiB per unmap (range TLBIs)" \
    study3-range-direct-latency workload.direct.latency
