#!/usr/bin/env bash
# One extraction split over the processes of an MPI job against one process: the same folder
# of real photos, runs alternating, 2 processes x 1 thread against 1 process x 1 thread (each
# process also has one image-decoding thread). Prints the CPU, the load before and after, the
# images/s of each run and their medians, the speed-up, and the CPU-seconds each image cost
# (user + system, all processes): on a machine busy with other work the processes get less than
# a core each, and the CPU cost shows what the split itself costs. The times are of whole
# commands, mpirun's start included: each process builds the network and starts MPI once, a
# fixed cost that small folders show (200 photos: 1.80x here; 32 photos: 1.53x).
#   bench/extract_mpi.sh [IMAGES=200] [REPEATS=3] [NETWORK:HxW=vgg16:224x224] [PROCESSES=2]
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-200}
repeats=${2:-3}
case=${3:-vgg16:224x224}
processes=${4:-2}
network=${case%%:*}
size=${case#*:}
photos=../shared/data/cats_and_dogs/train
[[ -d $photos ]] || { echo "needs the real photos in $photos" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "needs mpirun (scripts/install-deps.sh installs openmpi-bin)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (scripts/install-deps.sh --bench installs it)" >&2; exit 1; }
[[ -x build/bottleneck ]] || scripts/build.sh
build/bottleneck --version | grep -q '^MPI none' && { echo "build/bottleneck was built without MPI" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for class in cats dogs; do  # the first IMAGES/2 photos of each class
  mkdir -p "$work/data/$class"
  find "$photos/$class" -maxdepth 1 -type f | sort | head -n $((images / 2)) | xargs cp -t "$work/data/$class"
done
count=$(find "$work/data" -type f | wc -l)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
rate() {  # "images/s CPU-seconds/image" of one command (mpirun waits for its processes: they count)
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null
  awk -v n="$count" '{printf "%.3f %.3f\n", n / $1, ($2 + $3) / n}' "$work/time"
}
extract=(build/bottleneck extract "$work/data" --model "$network" --weights random --target-size "$size"
         --threads 1 --workers 1 --quiet)
mpirun=(mpirun --oversubscribe --allow-run-as-root --bind-to none --mca btl self,vader
        --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo -np "$processes")

grep -m1 'model name' /proc/cpuinfo
echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
one=() many=() one_cpu=() many_cpu=()
for ((r = 0; r < repeats; r++)); do
  read -r speed cpu < <(rate "${extract[@]}" -o "$work/one")
  one+=("$speed") one_cpu+=("$cpu")
  read -r speed cpu < <(rate "${mpirun[@]}" "${extract[@]}" -o "$work/many")
  many+=("$speed") many_cpu+=("$cpu")
  cmp -s "$work/one/features.npy" "$work/many/features.npy" || { echo "features differ" >&2; exit 1; }
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
o=$(printf '%s\n' "${one[@]}" | median)
m=$(printf '%s\n' "${many[@]}" | median)
echo "1 process x 1 thread:  ${one[*]} images/s; ${one_cpu[*]} CPU-s/image"
echo "$processes processes x 1 thread: ${many[*]} images/s; ${many_cpu[*]} CPU-s/image"
printf '%s %s, %d images, median of %d: 1 process %.2f images/s (%.3f CPU-s/image), %d processes %.2f images/s (%.3f CPU-s/image), speed-up %.2fx, features identical\n' \
  "$network" "$size" "$count" "$repeats" "$o" "$(printf '%s\n' "${one_cpu[@]}" | median)" "$processes" "$m" \
  "$(printf '%s\n' "${many_cpu[@]}" | median)" "$(awk -v a="$m" -v b="$o" 'BEGIN {print a / b}')"
