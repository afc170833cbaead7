#!/usr/bin/env bash
# Builds the .deb for 统信UOS / 银河麒麟 (and Debian/Ubuntu) from the one-folder bundle, in the
# UOS application layout:
#   /opt/apps/<appid>/files/                      the bundle (executable: files/deskapp)
#   /opt/apps/<appid>/entries/applications/<appid>.desktop
#   /opt/apps/<appid>/entries/icons/hicolor/<n>x<n>/apps/<appid>.png
#   /opt/apps/<appid>/info                        the UOS JSON description
# Usage: bash installer/build-deb.sh [BUNDLE_DIR] [OUT_DIR]
#   BUNDLE_DIR defaults to the Linux bundle build's output (built first if missing);
#   OUT_DIR defaults to dist/. Prints the path of the .deb on the last line.
# Environment: DESKAPP_APPID (default org.deskapp.desk; never change it after a release:
# upgrades find the installed package by it), DESKAPP_BUILD_CACHE, DESKAPP_PYTHON (a Python
# with PySide6 for rendering the icons; default .venv/bin/python).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DESKAPP_BUILD_CACHE:-/var/cache/deskapp-build}"
BUNDLE="${1:-$CACHE/out/deskapp}"  # an empty argument: the default too
OUT="${2:-$ROOT/dist}"
APPID="${DESKAPP_APPID:-}"  # default: DESKTOP_ID of deskapp/__init__.py, read below
PY="${DESKAPP_PYTHON:-$ROOT/.venv/bin/python}"
NAME="政务公开台账"

die() { echo "$*" >&2; exit 2; }
command -v dpkg-deb >/dev/null || die "缺少 dpkg-deb，请在 Debian/UOS/麒麟系统上运行本脚本（apt-get install dpkg）。"
[ -x "$PY" ] || die "找不到带 PySide6 的 Python（$PY），请先运行 bash installer/run-tests.sh --version 建立 .venv，或设置 DESKAPP_PYTHON。"

if [ ! -x "$BUNDLE/deskapp" ]; then
  [ -n "${1:-}" ] && die "程序包目录 $BUNDLE 中没有可执行文件 deskapp，请检查路径。"
  echo "尚未构建 Linux 程序包，正在运行 installer/build-bundle-linux.sh …" >&2
  [ -f "$ROOT/installer/build-bundle-linux.sh" ] || die "缺少 installer/build-bundle-linux.sh，请指定已构建的程序包目录。"
  bash "$ROOT/installer/build-bundle-linux.sh"
  [ -x "$BUNDLE/deskapp" ] || die "构建后仍找不到 $BUNDLE/deskapp，请查看上面的构建输出。"
fi

# A constant of deskapp/__init__.py, read without importing the desk (this Python may lack its deps).
desk_constant() {
  python3 -c 'import ast,sys
for n in ast.parse(open(sys.argv[1], encoding="utf-8").read()).body:
    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == sys.argv[2]:
        print(n.value.value)' "$ROOT/deskapp/__init__.py" "$1"
}
VERSION="$(desk_constant __version__)"
APPID="${APPID:-$(desk_constant DESKTOP_ID)}"
[[ "$APPID" =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || die "应用编号 $APPID 不符合软件包命名规则（只能用小写字母、数字、点和连字符），请改正 DESKAPP_APPID。"
BUNDLE_VERSION="$(QT_QPA_PLATFORM=offscreen "$BUNDLE/deskapp" --version 2>/dev/null | awk '{print $NF}')" || true
[ "$BUNDLE_VERSION" = "$VERSION" ] || die "程序包版本（${BUNDLE_VERSION:-无法运行}）与源码版本 $VERSION 不一致，请重新构建程序包后再打包。"
ARCH="$(dpkg --print-architecture)"
DEPENDS="$(python3 "$ROOT/installer/deb_depends.py" "$BUNDLE")"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/deskapp-deb.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
chmod 755 "$STAGE"  # mktemp makes it 0700; it becomes the package root "./"
APPDIR="$STAGE/opt/apps/$APPID"
mkdir -p "$APPDIR/entries/applications" "$STAGE/DEBIAN"
cp -a "$BUNDLE" "$APPDIR/files"
chmod -R u+rwX,go+rX,go-w "$APPDIR/files"

# Icons, drawn from the one SVG at each size the launchers ask for.
"$PY" "$ROOT/installer/render_icons.py" "$ROOT/resources/icons/deskapp.svg" "$STAGE/icons"
for n in 16 24 32 48 64 128 256 512; do
  mkdir -p "$APPDIR/entries/icons/hicolor/${n}x${n}/apps"
  install -m 644 "$STAGE/icons/$n.png" "$APPDIR/entries/icons/hicolor/${n}x${n}/apps/$APPID.png"
done
rm -rf "$STAGE/icons"

cat > "$APPDIR/entries/applications/$APPID.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=$NAME
Name[zh_CN]=$NAME
GenericName=Government information disclosure ledger
GenericName[zh_CN]=政务公开台账管理
Comment=Government information disclosure desk: ledger, deadlines, notices, annual report
Comment[zh_CN]=政务信息公开台账：登记、期限提醒、公告打印、依申请公开与年度报告
Exec=/opt/apps/$APPID/files/deskapp
Icon=$APPID
Terminal=false
Categories=Office;
Keywords=政务公开;台账;依申请公开;年度报告;
StartupWMClass=deskapp
DESKTOP

cat > "$APPDIR/info" <<INFO
{
  "appid": "$APPID",
  "name": "$NAME",
  "version": "$VERSION",
  "arch": ["$ARCH"],
  "permissions": {
    "autostart": false,
    "notification": false,
    "trayicon": false,
    "clipboard": true,
    "account": false,
    "bluetooth": false,
    "camera": false,
    "audio_record": false,
    "installed_apps": false
  }
}
INFO

# Debian and Kylin do not look into /opt/apps/*/entries; UOS does. Link the entry and icons
# into /usr/share only where nothing is there yet, and remove only our own links. The desktop
# file ID is the same (<appid>.desktop), so a UOS launcher never shows it twice.
cat > "$STAGE/DEBIAN/postinst" <<POSTINST
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
  for f in /opt/apps/$APPID/entries/applications/$APPID.desktop /opt/apps/$APPID/entries/icons/hicolor/*/apps/$APPID.png; do
    link="/usr/share/\${f#/opt/apps/$APPID/entries/}"
    if [ -d "\$(dirname "\$link")" ] || [ "\${link#/usr/share/icons/}" != "\$link" ]; then
      [ -e "\$link" ] || { mkdir -p "\$(dirname "\$link")"; ln -s "\$f" "\$link"; }
    fi
  done
  command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
exit 0
POSTINST
cat > "$STAGE/DEBIAN/postrm" <<POSTRM
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = purge ]; then
  for link in /usr/share/applications/$APPID.desktop /usr/share/icons/hicolor/*/apps/$APPID.png; do
    case "\$(readlink "\$link" 2>/dev/null)" in /opt/apps/$APPID/*) rm -f "\$link" ;; esac
  done
  command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
exit 0
POSTRM
chmod 755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"

cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: $APPID
Version: $VERSION
Architecture: $ARCH
Maintainer: ${DESKAPP_MAINTAINER:-政务公开台账维护组 <deskapp@localhost>}
Installed-Size: $(du -sk "$STAGE/opt" | cut -f1)
Depends: $DEPENDS
Section: office
Priority: optional
Description: $NAME — government information disclosure desk
 A street office's ledger of government information disclosure (政务公开): items and their
 legal deadlines, notices and forms as PDF, requests (依申请公开), the annual report.
 The program lives in /opt/apps/$APPID; each user's data stays in their own data folder
 (~/.local/share/deskapp), which upgrading or removing this package never touches.
CONTROL

mkdir -p "$OUT"
DEB="$OUT/${APPID}_${VERSION}_${ARCH}.deb"
nice -n 10 dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB.tmp" >/dev/null
mv -f "$DEB.tmp" "$DEB"
echo "已生成 $DEB（$(du -h "$DEB" | cut -f1)），依赖：$DEPENDS" >&2
echo "$DEB"
