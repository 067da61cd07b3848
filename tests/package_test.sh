#!/usr/bin/env bash
# The Debian packages as a technician meets them: built by CPack, unpacked into a fresh folder
# (dpkg-deb -x, as apt would lay them out), and run from there with nothing of the build tree:
# the headless program links no widget library, the demo counts the example congress, the
# console finds the unpacked headless program beside itself. Their manual pages document every
# command and option --help shows, and lintian finds no error or warning (docs/packaging.md
# explains each remaining informational tag).
#   package_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$(realpath "$1") source=$(realpath "$2") version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# --- built -------------------------------------------------------------------------------
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/packages" > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
headless=$work/packages/kiemphieu_${version}_$(dpkg --print-architecture).deb
console=$work/packages/kiemphieu-console_${version}_$(dpkg --print-architecture).deb
[ -f "$headless" ] && [ -f "$console" ] || { ls "$work/packages"; echo "FAIL: the two packages were not built" >&2; exit 1; }

dpkg-deb -f "$console" Depends | grep -qF "kiemphieu (= $version)" || fail "kiemphieu-console does not depend on kiemphieu (= $version)"
depends=$(dpkg-deb -f "$headless" Depends)
grep -q "libqt6widgets" <<<"$depends" && fail "kiemphieu depends on Qt Widgets: $depends"
grep -q "fonts-dejavu-core" <<<"$depends" || fail "kiemphieu does not depend on the font its ballots embed: $depends"
grep -q "libqt6widgets" <<<"$(dpkg-deb -f "$console" Depends)" || fail "kiemphieu-console's dependencies were not found by dpkg-shlibdeps"

# --- unpacked and run from there ---------------------------------------------------------
root=$work/root
dpkg-deb -x "$headless" "$root"
dpkg-deb -x "$console" "$root"
for f in usr/bin/kiemphieu usr/bin/kiemphieu-console usr/share/man/man1/kiemphieu.1.gz usr/share/man/man1/kiemphieu-console.1.gz \
         usr/lib/udev/rules.d/60-kiemphieu-scanners.rules usr/share/applications/kiemphieu-console.desktop \
         usr/share/icons/hicolor/scalable/apps/kiemphieu-console.svg usr/share/doc/kiemphieu/copyright usr/share/doc/kiemphieu/changelog.gz \
         usr/share/doc/kiemphieu-console/copyright usr/share/doc/kiemphieu/examples/example-congress.toml; do
  [ -e "$root/$f" ] || fail "not in the packages: /$f"
done
linked=$(ldd "$root/usr/bin/kiemphieu") || fail "ldd cannot read the headless program"
grep -i "widgets" <<<"$linked" && fail "the headless program links a widget library"
grep -q "libQt6Gui" <<<"$linked" || fail "ldd shows no Qt Gui: it did not read the program ($linked)"
ldd "$root/usr/bin/kiemphieu" | grep -q "not found" && fail "the headless program misses a library: $(ldd "$root/usr/bin/kiemphieu" | grep 'not found')"

cd "$work"
# A technician's shell: the unpacked programs first on PATH, nothing of the build's environment.
run() { env -i PATH="$root/usr/bin:/usr/bin:/bin" HOME="$work" LANG=C.UTF-8 "$@"; }
[ "$(run kiemphieu --version)" = "kiemphieu $version" ] || fail "kiemphieu --version: $(run kiemphieu --version)"
[ "$(run kiemphieu-console --version)" = "kiemphieu-console $version" ] || fail "kiemphieu-console --version"

# Every file the unpacked programs touch, traced: none may be in the source or build tree.
outside_the_tree() {
  local trace=$1 what=$2
  if grep -F -e "\"$source/" -e "\"$build/" -e "\"$source\"" "$trace" > "$work/leak"; then
    fail "$what used the source or build tree: $(head -3 "$work/leak")"
  fi
}
run strace -f -qq -s 4096 -e trace=%file,execve -o "$work/demo.trace" kiemphieu demo --out "$work/demo" > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail "kiemphieu demo from the package"; }
outside_the_tree "$work/demo.trace" "kiemphieu demo"
find "$work/demo" -name '*bien-ban.pdf' | grep -q . || fail "the demo wrote no counting record"
grep -qF '"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"' "$work/demo.trace" || fail "the demo did not draw with the font of fonts-dejavu-core"

# The console on the demo's congress runs verify through the headless program beside it.
run env QT_QPA_PLATFORM=offscreen strace -f -qq -s 4096 -e trace=%file,execve -o "$work/console.trace" \
    kiemphieu-console "$work/demo/congress.db" --screen audit --run verify --screenshot "$work/audit.png" --screen-text "$work/audit.txt" \
    > "$work/console.log" 2>&1 || { cat "$work/console.log"; fail "kiemphieu-console --screenshot from the package"; }
outside_the_tree "$work/console.trace" "kiemphieu-console"
grep -q "execve(\"$root/usr/bin/kiemphieu\"" "$work/console.trace" || fail "the console did not run the kiemphieu beside it"
grep -qF "Kiểm tra xong: mọi thứ khớp." "$work/audit.txt" || fail "the console's verify of the demo: $(cat "$work/audit.txt" 2>/dev/null | head -5)"
[ -s "$work/audit.png" ] || fail "no screenshot"
# `kiemphieu console` starts the console installed beside it with its words as given ("--" too).
run kiemphieu console --version | grep -qx "kiemphieu-console $version" || fail "kiemphieu console does not start kiemphieu-console"
run env QT_QPA_PLATFORM=offscreen kiemphieu console --screen=results --screenshot "$work/results.png" -- "$work/demo/congress.db" > "$work/forward.log" 2>&1 \
  || { cat "$work/forward.log"; fail "kiemphieu console --screen=results --screenshot F -- DB"; }
[ -s "$work/results.png" ] || fail "kiemphieu console wrote no screenshot"

# --- manual pages: read as `man` shows them, every command and option of --help in them -----
for page in kiemphieu kiemphieu-console; do
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' man --warnings -E UTF-8 -l -Tutf8 -Z "$root/usr/share/man/man1/$page.1.gz" 2>&1 > /dev/null) \
    || fail "man $page cannot be read"
  [ -z "$warnings" ] || fail "man $page warns: $warnings"
  LC_ALL=C.UTF-8 MANWIDTH=400 man -E UTF-8 -l "$root/usr/share/man/man1/$page.1.gz" 2>/dev/null | col -b > "$work/$page.txt"
done
# Each option (its long name) and each command a --help lists, checked against the rendered page.
check_help() {
  local page=$1; shift
  local help
  # The manual page is the declared (English) text; the help is read in English to match it.
  help=$(run env KIEMPHIEU_LANG=en "$@" --help)
  while read -r option; do
    [ -z "$option" ] && continue
    grep -qF -- "$option" "$work/$page.txt" || fail "man $page does not document $option of '$*'"
  done < <(sed -n 's/^  \(-[^ ]*\).*/\1/p' <<<"$help" | tr ',' '\n' | grep -- '^--' | sed 's/[={].*//')
  while read -r sub; do
    [ -z "$sub" ] && continue
    if [ "$*" = "kiemphieu" ] && [ "$sub" = "console" ]; then
      check_help kiemphieu-console kiemphieu-console
      grep -q "^   kiemphieu console" "$work/kiemphieu.txt" || fail "man kiemphieu does not document 'kiemphieu console'"
      continue
    fi
    grep -q "^   $* $sub\b" "$work/$page.txt" || fail "man $page does not document '$* $sub'"
    check_help "$page" "$@" "$sub"
  done < <(sed -n '/^Subcommands:/,/^$/p' <<<"$help" | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
}
check_help kiemphieu kiemphieu
commands=$(grep -c "^   kiemphieu " "$work/kiemphieu.txt" || true)
[ "$commands" -ge 20 ] || fail "man kiemphieu documents only $commands commands"

# --- lintian and the desktop entry ---------------------------------------------------------
lintian --display-level ">=pedantic" --tag-display-limit 0 "$headless" "$console" > "$work/lintian.txt" 2>&1 || true
grep -v "running with root privileges" "$work/lintian.txt" > "$work/lintian.tags" || true
# Each informational tag left is explained in docs/packaging.md.
explained=$(sed -n 's/^| `\([a-z0-9-]*\)` |.*/\1/p' "$source/docs/packaging.md")
while read -r severity package tag rest; do
  case "$severity" in
    E: | W:) fail "lintian: $severity $package $tag $rest" ;;
    I: | P: | X:) grep -qx -- "$tag" <<<"$explained" || fail "lintian tag not explained in docs/packaging.md: $severity $package $tag $rest" ;;
    *) fail "lintian said: $severity $package $tag $rest" ;;
  esac
done < "$work/lintian.tags"
desktop-file-validate "$root/usr/share/applications/kiemphieu-console.desktop" || fail "desktop-file-validate"

if [ "$failures" -ne 0 ]; then
  echo "$failures failures" >&2
  exit 1
fi
echo "packages: $(basename "$headless"), $(basename "$console"); demo, console and manual pages checked from $root"
