#!/usr/bin/env bash
# Two rules of the tree, checked on every run:
# 1. The folders of src/ (with their public headers under include/bottleneck/) include each
#    other without a cycle: files -> io -> data -> layers -> training -> models -> saving ->
#    transfer / applications -> cli. Prints the folder graph; fails naming a cycle.
# 2. The command line knows no network: no network's name or layer name from the records in
#    src/applications/ appears under src/cli/ (a network is added in src/applications alone).
set -euo pipefail
cd "$(dirname "$0")/.."

# The part of the tree a file or an included path belongs to: its folder under src/ or
# include/bottleneck/; the top-level public headers by the folder that implements them.
part_of() {
  local path=${1#src/}
  path=${path#include/}
  path=${path#bottleneck/}
  case "$path" in
    */*) echo "${path%%/*}" ;;
    tensor.hpp | error.hpp | interrupt.hpp | atomic_file.hpp | progress.hpp | folder_lock.hpp | stage_times.hpp) echo core ;;
    image.hpp | npy.hpp | preprocessing.hpp | weights_file.hpp | file_hash.hpp | escaped_names.hpp) echo io ;;
    data.hpp) echo data ;;
    layers.hpp | mixed_precision.hpp) echo layers ;;
    saving.hpp) echo saving ;;
    applications.hpp) echo applications ;;
    bottleneck.hpp | model.hpp) echo umbrella ;;  # one include for users, across parts
    *) echo "unclassified public header: $1 (add it to $0)" >&2; exit 1 ;;
  esac
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
while IFS= read -r file; do
  from=$(part_of "$file")
  [[ $from == umbrella ]] && continue
  while IFS= read -r included; do
    [[ -e src/$included || -e include/$included ]] || continue  # a system or third-party header
    to=$(part_of "$included")
    [[ $to == "$from" || $to == umbrella ]] || echo "$from $to" >>"$edges"
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
done < <(find src include/bottleneck -name '*.hpp' -o -name '*.cpp' | grep -v '^src/cli/')
sort -u "$edges" -o "$edges"
# cli sits on top of everything; nothing may include it.
if grep -rl '#include "cli/' src include | grep -v '^src/cli/'; then
  echo "FAIL: files outside src/cli include the command-line tool's headers" >&2
  exit 1
fi
echo "folder include graph (A -> B: a file of A includes one of B):"
awk '{print "  " $1 " -> " $2}' "$edges"
loops=$(tsort "$edges" 2>&1 >/dev/null || true)
if [[ $loops == *loop* ]]; then
  echo "FAIL: the folders include each other in a cycle:" >&2
  echo "$loops" | sed 's/^/  /' >&2
  exit 1
fi
echo "no cycle"

# Rule 2: the names the application records hold.
names=$(sed -n 's/^ *\.\(name\|fine_tuning_cut\) = "\([^"]*\)".*/\2/p' src/applications/*.cpp | sort -u)
[[ -n $names ]] || { echo "FAIL: found no application records in src/applications/" >&2; exit 1; }
found=0
for name in $names; do
  # Whole words: std::exception names no Xception.
  if grep -rniwF -- "$name" src/cli; then
    echo "FAIL: src/cli names the network or layer '$name'; take it from the application record" >&2
    found=1
  fi
done
((found == 0)) || exit 1
echo "src/cli names none of: $(echo $names)"
