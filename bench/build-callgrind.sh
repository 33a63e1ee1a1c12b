#!/bin/bash
# Instruction count of one `gitops build` under callgrind with --predictable (repeatable to about a
# million under load; run the dist once with --predictable first so its code cache matches the flags),
# split by symbol into GC, compiler and the rest.   bench/build-callgrind.sh DIST LABEL TREE
dist=$1; label=$2; tree=$3
out=${TMPDIR:-/tmp}/$label.$(date +%s%N)
nice valgrind --tool=callgrind --callgrind-out-file=$out node --predictable $dist/bin.cjs build $tree 2>/dev/null | md5sum > $out.md5
tot=$(callgrind_annotate --threshold=100 $out 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
callgrind_annotate --threshold=100 $out 2>/dev/null | awk -v tot=$tot -v label=$label -v md5="$(cut -c1-8 $out.md5)" '
/^ *[0-9,]+ .*\(/ || /^ *[0-9,]+ +\(/ {n=$1; gsub(",","",n); line=$0;
 if (line ~ /compiler::|Turbofan|turboshaft|maglev|Pipeline/) c+=n; else if (line ~ /Scaveng|MarkCompact|Heap::|heap::|GC|Sweeper|Marking|Evacuat|Remembered|SlotSet|MemoryChunk|PageMetadata|Compactor|ConcurrentMarking|IncrementalMarking/) g+=n; }
END {printf "%s total %.1f M gc %.1f M compiler %.1f M rest %.1f M md5 %s\n", label, tot/1e6, g/1e6, c/1e6, (tot-g-c)/1e6, md5}'
rm -f $out
