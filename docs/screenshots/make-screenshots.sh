#!/usr/bin/env bash
# Renders the console's reference screenshots from the example congress, off-screen, the way
# the tests render them: ./docs/screenshots/make-screenshots.sh [path/to/kiemphieu]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
k="${1:-$root/build/ci/cli/kiemphieu}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen
db="$work/dh.db"
deck="$root/sample_ballots/deck"
"$k" init "$db" "$root/sample_ballots/example-congress.toml" > /dev/null
printf '1234\n' | "$k" member add "$db" "Nguyễn Văn An" > /dev/null
printf '5678\n1234\n' | "$k" member add "$db" "Trần Thị Bình" --by "Nguyễn Văn An" > /dev/null
printf '2468\n1234\n' | "$k" member add "$db" "Lê Thị Hoa" --role operator --by "Nguyễn Văn An" > /dev/null
as_an() { printf '1234\n' | "$k" "$@" 2> /dev/null; }
# A batch on the scanning screen that jams at sheet 33, then the rest of the deck.
as_an console "$db" --sign-in "Nguyễn Văn An" --screen scan --scan "sim:$deck" --scan-faults jam@33 --screenshot "$here/console-scan.png"
"$k" scan "$db" --source "sim:$deck" --speed 20000 --operator "Lê Thị Hoa" > /dev/null 2>&1
printf '1234\n' | "$k" issued "$db" bch 6 --by "Nguyễn Văn An" > /dev/null
for screen in setup adjudication gallery; do
  as_an console "$db" --sign-in "Nguyễn Văn An" --screen "$screen" --screenshot "$here/console-$screen.png"
done
as_an console "$db" --sign-in "Nguyễn Văn An" --screen audit --run replay --screenshot "$here/console-audit.png"
"$k" console "$db" --screen record --run record --screenshot "$here/console-record.png" 2> /dev/null
as_an --lang en console "$db" --sign-in "Nguyễn Văn An" --screen adjudication --screenshot "$here/console-adjudication-en.png"
"$k" console "$db" --screenshot "$here/live-results.png" 2> /dev/null
"$k" --lang en console "$db" --projector --screenshot "$here/live-results-projector-en.png" 2> /dev/null
echo "screenshots written to $here"
