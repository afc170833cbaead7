#!/usr/bin/env bash
# The newest glibc a bundle needs: objdump -T over every ELF file in it (programs and shared
# libraries, Qt plugins included), the highest GLIBC_x.y symbol version each one requires.
#
#   bash installer/check-glibc.sh BUNDLE_DIR [FLOOR]      (FLOOR defaults to 2.31)
#
# Prints one line per glibc version needed with how many files need it and one example, the
# files that need more than 2.28 (UOS 20's glibc), and a summary line; exits 1 when a file needs
# a newer glibc than FLOOR, 2 when it cannot run.
set -euo pipefail
DIR="${1:-}"; FLOOR="${2:-2.31}"
[ -d "$DIR" ] || { echo "用法：$0 BUNDLE_DIR [FLOOR]（BUNDLE_DIR 不是文件夹：${DIR:-未给出}）" >&2; exit 2; }
command -v objdump >/dev/null || { echo "缺少 objdump，请安装 binutils。" >&2; exit 2; }

# file<TAB>newest GLIBC version it references, for every ELF file
table="$(find "$DIR" -type f -print0 | while IFS= read -r -d '' f; do
  [ "$(head -c4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  v="$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1 || true)"
  printf '%s\t%s\n' "${f#"$DIR"/}" "${v:-none}"
done)"
[ -n "$table" ] || { echo "$DIR 中没有 ELF 文件。" >&2; exit 2; }

files=$(printf '%s\n' "$table" | wc -l)
newest=$(printf '%s\n' "$table" | cut -f2 | grep -v none | sort -V | tail -1)
echo "glibc versions required (files: example):"
printf '%s\n' "$table" | grep -v $'\tnone$' | sort -t$'\t' -k2,2V -k1,1 | awk -F'\t' '
  { n[$2]++; if (!($2 in ex)) ex[$2]=$1; order[$2]=1 }
  END { for (v in n) printf "  GLIBC_%-6s %4d  %s\n", v, n[v], ex[v] }' | sort -k1,1V
above=$(printf '%s\n' "$table" | awk -F'\t' '$2!="none"' | while IFS=$'\t' read -r f v; do
  [ "$(printf '%s\n%s\n' "$v" 2.28 | sort -V | tail -1)" != 2.28 ] && printf '  %s  GLIBC_%s\n' "$f" "$v"; done || true)
if [ -n "$above" ]; then echo "files needing more than glibc 2.28 (UOS 20):"; printf '%s\n' "$above"; fi
by=$(printf '%s\n' "$table" | awk -F'\t' -v v="$newest" '$2 "" == v "" {print $1; exit}')  # as strings: 2.3 is not 2.30
echo "SUMMARY: $files ELF files; newest required GLIBC_$newest (by $by); floor $FLOOR"
if [ "$(printf '%s\n%s\n' "$newest" "$FLOOR" | sort -V | tail -1)" != "$FLOOR" ]; then
  echo "超出：此程序包需要 glibc $newest，高于目标 $FLOOR，在 glibc $FLOOR 的系统上无法启动。" >&2
  exit 1
fi
