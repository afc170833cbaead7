#!/usr/bin/env bash
# The Linux x86_64 one-folder bundle, built where glibc is old enough for UOS/Kylin: inside a
# Debian bullseye chroot (glibc 2.31), with a Python built there from Debian's source tarball and
# PySide6 6.9.x (the newest line built for glibc 2.28). Then the bundle's --self-check runs in
# the chroot, and installer/check-glibc.sh shows the newest glibc symbol it needs.
#
#   sudo bash installer/build-bundle-linux.sh          (as root: debootstrap and chroot need it)
#
# Everything it makes stays outside the checkout, in ${DESKAPP_BUILD_CACHE:-/var/cache/deskapp-build}:
#   bullseye-amd64/    the chroot (kept; each stage leaves a marker so a repeat skips it)
#   sources/           the Python and SQLite source tarballs      pip/   pip's download cache
#   out/deskapp/       THE BUNDLE (installer/build-deb.sh packages it from here)
#   out/self-check.txt, out/glibc.txt, out/times.txt   what the last build measured
# DESKAPP_BUILD_REF=HEAD builds what is committed instead of the working tree. Stage times go to
# stderr and out/times.txt. See installer/README.md, "Building the Linux bundle".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DESKAPP_BUILD_CACHE:-/var/cache/deskapp-build}"
CHROOT="$CACHE/bullseye-amd64"
OUT="$CACHE/out"
MIRROR="${DESKAPP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Python 3.13 from Debian trixie's source package (python3.13_3.13.5.orig.tar.xz); the sha256 is
# the one in trixie's main/source/Sources index. Why 3.13 and not bookworm's 3.11.2: see README.
PY_VERSION=3.13.5
PY_TARBALL="python3.13_${PY_VERSION}.orig.tar.xz"
PY_URL="$MIRROR/pool/main/p/python3.13/$PY_TARBALL"
PY_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
# SQLite 3.46.1 from trixie's source package: bullseye's 3.34 has no RETURNING (3.35), which the
# change feed's counter uses (deskapp/core/store/changes.py); Python is built against this one.
SQLITE_VERSION=3.46.1
SQLITE_TARBALL="sqlite3_${SQLITE_VERSION}.orig.tar.xz"
SQLITE_URL="$MIRROR/pool/main/s/sqlite3/$SQLITE_TARBALL"
SQLITE_SHA256=d0cdd2ece271b29e7ce18095745d892517ee26d0f270065b3a25c2e9eb11639c
PYSIDE_SPEC=">=6.9.1,<6.10"  # manylinux_2_28 wheels; 6.10 and later need glibc 2.34
# Build deps of Python, and what Qt needs at run time for the self-check (offscreen).
CHROOT_PACKAGES="build-essential pkg-config xz-utils ca-certificates binutils file tcl
  libssl-dev zlib1g-dev libbz2-dev liblzma-dev libffi-dev uuid-dev libexpat1-dev
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
  libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libx11-xcb1 fonts-dejavu-core"
NICE=(nice -n 10)

[ "$(id -u)" = 0 ] || { echo "请以 root 身份运行（debootstrap 和 chroot 需要）：sudo bash $0" >&2; exit 2; }
for tool in debootstrap chroot objdump; do
  command -v "$tool" >/dev/null || { echo "缺少 $tool，请先安装：apt-get install debootstrap binutils" >&2; exit 2; }
done
mkdir -p "$CACHE/sources" "$CACHE/pip" "$OUT"
: > "$OUT/times.txt"

stage() {  # stage NAME COMMAND...: run and time one stage
  local name="$1" t0=$SECONDS; shift
  echo "== $name" >&2
  "$@"
  printf '%-18s %4ds\n' "$name" $((SECONDS - t0)) | tee -a "$OUT/times.txt" >&2
}

in_chroot() {  # a login-less, clean environment inside the chroot
  chroot "$CHROOT" /usr/bin/env -i HOME=/root PATH=/opt/python/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 PIP_CACHE_DIR=/var/cache/pip PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT=/etc/ssl/certs/deskapp-host-ca.crt PIP_DEFAULT_TIMEOUT=180 "$@"
}

MOUNTED=()
unmount_all() {
  local i
  for ((i=${#MOUNTED[@]}-1; i>=0; i--)); do umount -l "${MOUNTED[$i]}" 2>/dev/null || true; done
  MOUNTED=()
}
trap unmount_all EXIT INT TERM
bind() {  # bind SOURCE TARGET [ro]
  mkdir -p "$2"
  mountpoint -q "$2" && return 0
  mount --bind "$1" "$2"; MOUNTED+=("$2")
  [ "${3:-}" = ro ] && mount -o remount,bind,ro "$2"
  return 0
}

make_chroot() {
  [ -f "$CHROOT/.deskapp-debootstrap-done" ] && return 0
  rm -rf "$CHROOT.partial"
  "${NICE[@]}" debootstrap --variant=minbase --arch=amd64 bullseye "$CHROOT.partial" "$MIRROR" >&2
  rm -rf "$CHROOT"; mv "$CHROOT.partial" "$CHROOT"
  touch "$CHROOT/.deskapp-debootstrap-done"
}

mount_chroot() {
  bind /proc "$CHROOT/proc"
  bind /dev "$CHROOT/dev"
  bind /dev/pts "$CHROOT/dev/pts"
  bind "$CACHE/pip" "$CHROOT/var/cache/pip"
  cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf"
  # The host's CA bundle: pip in the chroot trusts what pip on the host trusts (a proxy's CA too).
  cp -L "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$CHROOT/etc/ssl/certs/deskapp-host-ca.crt" 2>/dev/null \
    || { mkdir -p "$CHROOT/etc/ssl/certs"; cp -L /etc/ssl/certs/ca-certificates.crt "$CHROOT/etc/ssl/certs/deskapp-host-ca.crt"; }
}

install_packages() {
  local stamp="$CHROOT/.deskapp-apt-$(echo $CHROOT_PACKAGES | md5sum | cut -c1-12)"
  [ -f "$stamp" ] && return 0
  in_chroot env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  in_chroot env DEBIAN_FRONTEND=noninteractive nice -n 10 apt-get install -y -qq --no-install-recommends $CHROOT_PACKAGES >/dev/null
  in_chroot apt-get clean
  touch "$stamp"
}

# glibc 2.29 gave exp, log, pow, exp2 and log2 new symbol versions (same functions, no SVID
# error handling); compiled on bullseye, SQLite and Python would ask for those and not start on
# glibc 2.28 (UOS 20). This header, forced into every C file of SQLite, Python and any extension
# pip compiles, binds them to the old versions glibc still carries. See README, "glibc floor".
COMPAT_HEADER=/opt/deskapp-compat/glibc-2.28.h
write_compat_header() {
  mkdir -p "$CHROOT/opt/deskapp-compat"
  cat > "$CHROOT$COMPAT_HEADER" <<'H'
/* installer/build-bundle-linux.sh: link libm's functions at their pre-2.29 symbol versions. */
#if defined(__x86_64__) && !defined(__ASSEMBLER__)  /* not in Python's .S files */
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");
__asm__(".symver exp2,exp2@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
#endif
H
}

fetch() {  # fetch URL SHA256 FILE: download once into the cache, always verify
  if ! echo "$2  $3" | sha256sum -c --status 2>/dev/null; then
    curl -fsS --retry 3 -o "$3.part" "$1"
    mv "$3.part" "$3"
  fi
  echo "$2  $3" | sha256sum -c --quiet || { echo "源码包校验失败：$3" >&2; exit 1; }
}

build_sqlite() {
  local marker="$CHROOT/opt/python/.deskapp-sqlite-$SQLITE_VERSION-glibc228"
  [ -f "$marker" ] && return 0
  fetch "$SQLITE_URL" "$SQLITE_SHA256" "$CACHE/sources/$SQLITE_TARBALL"
  rm -rf "$CHROOT/build/sqlite" "$CHROOT/opt/python"
  mkdir -p "$CHROOT/build/sqlite"
  tar -xJf "$CACHE/sources/$SQLITE_TARBALL" -C "$CHROOT/build/sqlite" --strip-components=1
  # Into /opt/python/lib, next to libpython: PyInstaller bundles it from there.
  in_chroot sh -c "cd /build/sqlite && CFLAGS='-O2 -include $COMPAT_HEADER -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE \
      -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_COLUMN_METADATA' nice -n 10 ./configure -q \
      --prefix=/opt/python --disable-static --disable-tcl >/dev/null \
    && nice -n 10 make -s -j2 >/dev/null 2>/build/sqlite-make.log && make -s install >/dev/null 2>>/build/sqlite-make.log" \
    || { tail -30 "$CHROOT/build/sqlite-make.log" >&2; exit 1; }
  rm -rf "$CHROOT/build/sqlite"
  touch "$marker"
}

build_python() {
  local marker="$CHROOT/opt/python/.deskapp-built-$PY_VERSION-sqlite-$SQLITE_VERSION-glibc228"
  [ -f "$marker" ] && return 0
  fetch "$PY_URL" "$PY_SHA256" "$CACHE/sources/$PY_TARBALL"
  rm -rf "$CHROOT/build/python"
  mkdir -p "$CHROOT/build/python"
  tar -xJf "$CACHE/sources/$PY_TARBALL" -C "$CHROOT/build/python" --strip-components=1
  # --enable-shared: PyInstaller bundles libpython; the rpath lets /opt/python/bin/python3 find it
  # and the SQLite built above (found through pkg-config). sem_clockwait is glibc 2.30: without
  # it Python waits on a lock with sem_timedwait, as it does on glibc 2.28.
  in_chroot sh -c "cd /build/python && PKG_CONFIG_PATH=/opt/python/lib/pkgconfig nice -n 10 ./configure -q \
      --prefix=/opt/python --enable-shared --with-ensurepip=install ac_cv_func_sem_clockwait=no \
      CFLAGS='-include $COMPAT_HEADER' CPPFLAGS=-I/opt/python/include \
      LDFLAGS='-L/opt/python/lib -Wl,-rpath,/opt/python/lib' >/dev/null \
    && nice -n 10 make -s -j2 >/dev/null 2>/build/python-make.log \
    && make -s install >/dev/null 2>>/build/python-make.log" \
    || { tail -30 "$CHROOT/build/python-make.log" >&2; exit 1; }
  in_chroot /opt/python/bin/python3 -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid; \
print('python ok', ssl.OPENSSL_VERSION, 'sqlite', sqlite3.sqlite_version)" >&2
  in_chroot /opt/python/bin/python3 -c "import sqlite3; assert sqlite3.sqlite_version == '$SQLITE_VERSION', sqlite3.sqlite_version"
  rm -rf "$CHROOT/build/python"
  touch "$marker"
}

copy_source() {
  # A copy, not a bind mount: pip builds the wheel in the source folder. Only what git tracks
  # (and untracked files it does not ignore), never .venv or caches.
  # DESKAPP_BUILD_REF=HEAD (or a tag) builds what is committed, not the working tree.
  rm -rf "$CHROOT/build/src"; mkdir -p "$CHROOT/build/src"
  if [ -n "${DESKAPP_BUILD_REF:-}" ]; then
    git -C "$ROOT" archive --format=tar "$DESKAPP_BUILD_REF" | tar -xf - -C "$CHROOT/build/src"
  else
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
      | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$CHROOT/build/src"
  fi
}

install_desk() {
  in_chroot sh -c "rm -rf /build/venv && /opt/python/bin/python3 -m venv /build/venv \
    && nice -n 10 /build/venv/bin/pip install -q --upgrade pip \
    && nice -n 10 /build/venv/bin/pip install -q '/build/src[build]' \
         'PySide6-Essentials$PYSIDE_SPEC' 'PySide6-Addons$PYSIDE_SPEC'"
  in_chroot /build/venv/bin/pip list 2>/dev/null | grep -i -E '^(pyside6|pyinstaller|shiboken6) ' >&2
}

run_pyinstaller() {
  in_chroot sh -c "cd /build && rm -rf dist work && nice -n 10 /build/venv/bin/pyinstaller \
    --noconfirm --log-level WARN --distpath /build/dist --workpath /build/work /build/src/installer/deskapp.spec"
  rm -rf "$OUT/deskapp.new" "$OUT/deskapp.old"
  cp -a "$CHROOT/build/dist/deskapp" "$OUT/deskapp.new"
  [ -d "$OUT/deskapp" ] && mv "$OUT/deskapp" "$OUT/deskapp.old"
  mv "$OUT/deskapp.new" "$OUT/deskapp"; rm -rf "$OUT/deskapp.old"
}

self_check() {
  # As a normal user with an empty home, no display: what a clerk's first start meets.
  in_chroot sh -c "id deskcheck >/dev/null 2>&1 || useradd -m deskcheck"
  rm -rf "$CHROOT/home/deskcheck/"{.local,.config,.cache}
  local status=0
  chroot "$CHROOT" /usr/bin/env -i HOME=/home/deskcheck LANG=C.UTF-8 PATH=/usr/bin:/bin \
    /usr/sbin/runuser -u deskcheck -- /build/dist/deskapp/deskapp --self-check \
    > "$OUT/self-check.txt" 2>&1 || status=$?
  cat "$OUT/self-check.txt" >&2
  [ "$status" = 0 ] || { echo "打包版自检未通过（退出码 $status），见 $OUT/self-check.txt" >&2; exit 1; }
}

check_glibc() {
  bash "$ROOT/installer/check-glibc.sh" "$OUT/deskapp" 2.31 | tee "$OUT/glibc.txt" >&2
  # 2.28 (UOS 20) is reported, not required: the promise is Kylin V10's 2.31.
  if bash "$ROOT/installer/check-glibc.sh" "$OUT/deskapp" 2.28 >/dev/null 2>&1; then
    echo "glibc 2.28 (UOS 20): reached" | tee -a "$OUT/glibc.txt" >&2
  else
    echo "glibc 2.28 (UOS 20): NOT reached (files above)" | tee -a "$OUT/glibc.txt" >&2
  fi
}

stage debootstrap make_chroot
mount_chroot
stage apt install_packages
write_compat_header
stage sqlite build_sqlite
stage python build_python
stage copy-source copy_source
stage pip install_desk
stage pyinstaller run_pyinstaller
stage self-check self_check
stage check-glibc check_glibc
unmount_all
echo "bundle: $OUT/deskapp ($(du -sh "$OUT/deskapp" | cut -f1))" | tee -a "$OUT/times.txt" >&2
