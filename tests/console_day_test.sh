#!/usr/bin/env bash
# A whole counting day on the REAL console window: Xvfb, a window manager (openbox) and
# xdotool's keyboard and mouse, on the example congress. Every step is checked through the
# headless program (results, waiting, round list, audit verify, the record's PDF) and leaves
# a screenshot in OUT_DIR.
#
#   tests/console_day_test.sh CLI_DIR SOURCE_DIR OUT_DIR
#
# CLI_DIR holds kiemphieu and kiemphieu-console; SOURCE_DIR is the source tree (for
# sample_ballots/). Needs the Debian packages xvfb, openbox, xdotool, x11-apps (xwd),
# netpbm (xwdtopnm, pnmtopng, pamcut, pnmtoplainpnm), poppler-utils (pdftotext) and procps
# (pgrep). KP_STEP_TIMEOUT (default 60) is the longest a step may take, in seconds.
#
# Where the console offers no keyboard path, the mouse clicks at places on the 1280 × 900
# window the console opens (the layout at that size, DejaVu fonts): the rows of the set-up
# screen's rounds table, the scanner's folder box, the waiting queue's
# first row and the decision boxes of the targets table. Each such click is followed by a check
# of what it did, so a moved widget fails the test by name rather than passing silently.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 CLI_DIR SOURCE_DIR OUT_DIR" >&2
  exit 2
fi
CLI_DIR=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
mkdir -p "$3"
OUT=$(cd "$3" && pwd)
KP="$CLI_DIR/kiemphieu"
CONSOLE="$CLI_DIR/kiemphieu-console"
DECK="$SRC/sample_ballots/deck"
STEP_TIMEOUT=${KP_STEP_TIMEOUT:-60}   # seconds per step: a noisy 2-core box; polled, so fast when fast

for tool in Xvfb openbox xdotool xwd xwdtopnm pnmtopng pamcut pnmtoplainpnm pdftotext pgrep awk; do
  command -v "$tool" >/dev/null || { echo "console_day_test: FAIL: $tool is not installed" >&2; exit 1; }
done
[ -x "$KP" ] && [ -x "$CONSOLE" ] || { echo "console_day_test: FAIL: no kiemphieu / kiemphieu-console in $CLI_DIR" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kp-console-day.XXXXXX")
DB="$WORK/congress.db"
rm -f "$OUT"/*.png
XVFB_PID="" WM_PID="" CONSOLE_PID="" WIN="" SHOT_NO=0
FIRST="Nguyễn Văn Một" FIRST_PIN=1111
SECOND="Trần Thị Hai" SECOND_PIN=2222

cleanup() {
  local status=$?
  for pid in $CONSOLE_PID $WM_PID $XVFB_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $CONSOLE_PID $WM_PID $XVFB_PID; do
    wait "$pid" 2>/dev/null || true
  done
  if [ $status -eq 0 ]; then
    rm -rf "$WORK"
  else
    echo "console_day_test: the congress and the logs are kept in $WORK" >&2
  fi
}
trap cleanup EXIT

log() { echo "console_day_test: $*"; }

# A screenshot of the console's window (and of every dialog it has open, each in a file of its
# own: a dialog captured from the root window shows black under Xvfb).
shot() {
  SHOT_NO=$((SHOT_NO + 1))
  local name
  name=$(printf '%02d-%s' "$SHOT_NO" "$1")
  [ -n "$WIN" ] || return 0
  xwd -silent -id "$WIN" | xwdtopnm 2>/dev/null | pnmtopng >"$OUT/$name.png" || return 0
  local w n=0
  for w in $(xdotool search --all --onlyvisible --pid "$CONSOLE_PID" --name . 2>/dev/null); do
    [ "$w" = "$WIN" ] && continue
    n=$((n + 1))
    xwd -silent -id "$w" | xwdtopnm 2>/dev/null | pnmtopng >"$OUT/$name-dialog$n.png" || true
  done
}

MAIN_PID=$$
trap 'exit 1' TERM
fail() {
  echo "console_day_test: FAIL: $*" >&2
  if [ "$BASHPID" != "$MAIN_PID" ]; then
    # In a pipeline or a command substitution: the test itself stops, not only this subshell.
    kill -TERM "$MAIN_PID"
    exit 1
  fi
  shot "failure" 2>/dev/null || true
  if [ -n "$CONSOLE_PID" ]; then
    echo "--- the console's windows on screen:" >&2
    for w in $(xdotool search --all --onlyvisible --pid "$CONSOLE_PID" --name . 2>/dev/null); do echo "$w $(xdotool getwindowname "$w" 2>/dev/null)" >&2; done
  fi
  if [ -n "${CONSOLE_LOG:-}" ] && [ -s "$CONSOLE_LOG" ]; then
    echo "--- console's output:" >&2
    tail -n 20 "$CONSOLE_LOG" >&2
  fi
  exit 1
}

# wait_for DESCRIPTION COMMAND…: polls COMMAND until it succeeds, or fails the test after
# STEP_TIMEOUT seconds naming what did not happen.
wait_for() {
  local what=$1
  shift
  local deadline=$((SECONDS + STEP_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "after ${STEP_TIMEOUT} s: $what"
    sleep 0.2
  done
}

console_alive() { kill -0 "$CONSOLE_PID" 2>/dev/null || fail "the console exited (see $CONSOLE_LOG)"; }

# The console's dialog with this title (exact), visible.
dialog_id() { xdotool search --all --onlyvisible --pid "$CONSOLE_PID" --name "^$1\$" 2>/dev/null | head -n 1; }
dialog_shown() { [ -n "$(dialog_id "$1")" ]; }
dialog_gone() { [ -z "$(dialog_id "$1")" ]; }

focus_main() {
  console_alive
  xdotool windowactivate --sync "$WIN" >/dev/null 2>&1 || xdotool windowfocus --sync "$WIN"
}
# Keys and clicks go to the focused window, as a person's would.
key() { xdotool key --clearmodifiers --delay 30 "$@"; }
type_text() { xdotool type --clearmodifiers --delay 20 -- "$1"; }
# click X Y: the left button at X,Y inside the console's window.
click() { xdotool mousemove --window "$WIN" "$1" "$2" click 1; }
settle() { sleep "${1:-0.4}"; }
# pixel X Y: "R G B" of the console's window at X,Y as it is on screen now.
pixel() { xwd -silent -id "$WIN" | xwdtopnm 2>/dev/null | pamcut -left "$1" -top "$2" -width 1 -height 1 | pnmtoplainpnm | tail -n 1 | tr -s ' ' | sed 's/ *$//'; }
# The results screen's headline (at 30,145, 570 × 28): in red while provisional ("TẠM THỜI …"),
# in green once final ("KẾT QUẢ CHÍNH THỨC"). Counts the pixels of each colour.
headline_colours() {
  xwd -silent -id "$WIN" | xwdtopnm 2>/dev/null | pamcut -left 30 -top 145 -width 570 -height 28 | pnmtoplainpnm | tail -n +4 |
    tr -s ' \n' '\n' | grep . | paste - - - |
    awk '{ if ($1 > 150 && $2 < 60 && $3 < 60) r++; if ($1 < 60 && $2 > 70 && $2 < 120 && $3 < 60) g++ } END { print r + 0, g + 0 }'
}
headline_red() { headline_colours | awk '{ exit !($1 > 300 && $2 == 0) }'; }
headline_green() { headline_colours | awk '{ exit !($2 > 300 && $1 == 0) }'; }
# The waiting screen's message (under its buttons, 925,770 to 1260,850) says a ruling was
# recorded: its text in dark green (27 94 32), not the red of a refusal.
confirmation_green() {
  xwd -silent -id "$WIN" | xwdtopnm 2>/dev/null | pamcut -left 925 -top 770 -width 335 -height 80 | pnmtoplainpnm | tail -n +4 |
    tr -s ' \n' '\n' | grep . | paste - - - |
    awk '{ if ($1 < 80 && $2 > 70 && $2 < 130 && $3 < 80) g++; if ($1 > 150 && $2 < 60 && $3 < 60) r++ } END { exit !(g > 40 && r == 0) }'
}
# A sheet's image is shown (light paper) or the picture is empty (the dark slate behind it).
paper_at() { pixel "$1" "$2" | awk '{ exit !($1 > 150 && $2 > 150 && $3 > 150) }'; }
slate_at() { pixel "$1" "$2" | awk '{ exit !($1 < 70 && $2 > 60 && $2 < 85 && $3 > 70 && $3 < 95) }'; }
# A selected table row: the style's blue highlight (about 48 140 198, shaded; 111 176 216 in a
# table without the focus).
highlighted() { pixel "$1" "$2" | awk '{ exit !($1 < 130 && $2 > 100 && $2 < 195 && $3 > 160) }'; }
# click_row X Y WHAT: clicks a table row and checks it is the one selected (the screens
# re-read their tables when the congress changes, and the set-up screen then selects its
# first row again): up to five tries.
click_row() {
  local try
  for try in 1 2 3 4 5; do
    click "$1" "$2"
    settle 0.5
    highlighted "$1" "$2" && return 0
  done
  fail "clicking $3 at $1,$2 does not select it (pixel $(pixel "$1" "$2"))"
}

# answer_pin_dialog TITLE PIN: waits for the dialog, types the PIN, presses Enter, and waits
# for the dialog to close (a refused PIN keeps it open and fails here).
answer_pin_dialog() {
  local title=$1 pin=$2 shot_name=${3:-}
  wait_for "the dialog “$title” opens" dialog_shown "$title"
  local d
  d=$(dialog_id "$title")
  xdotool windowactivate --sync "$d" >/dev/null 2>&1 || xdotool windowfocus --sync "$d"
  settle 0.3
  type_text "$pin"
  [ -z "$shot_name" ] || { settle 0.3; shot "$shot_name"; }
  key Return
  wait_for "the dialog “$title” accepts the PIN and closes" dialog_gone "$title"
}

# --- the CLI's view of the congress ---------------------------------------------------------
# kp_read ARGS…: a read-only command of kiemphieu; tried again (up to 10 times) when it fails,
# as it may while the console writes, and the test fails with its message if it never succeeds.
kp_read() {
  local try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    if "$KP" "$@" >"$WORK/read.out" 2>"$WORK/read.err"; then
      cat "$WORK/read.out"
      return 0
    fi
    echo "console_day_test: kiemphieu $* failed (try $try): $(tail -n 1 "$WORK/read.err")" >>"$WORK/retries.log"
    sleep 0.3
  done
  fail "kiemphieu $* keeps failing: $(cat "$WORK/read.err")"
}
results_json() { kp_read results "$DB" --json; }
rounds_json() { kp_read round list "$DB" --json; }
waiting_json() { kp_read waiting "$DB" --json; }
waiting_count() { waiting_json | grep -c '"sheet_id"' || true; }
contest_ids() { rounds_json | sed -n 's/.*"contest_id":"\([^"]*\)".*/\1/p'; }
round_line() { rounds_json | grep "\"contest_id\":\"$1\""; }
candidates_of() { round_line "$1" | sed 's/.*"candidates":\[\([^]]*\)\].*/\1/' | tr -d '"' | tr ',' ' '; }
issued_is() { round_line "$1" | grep -q "\"issued\":$2[,}]"; }
round_closed() { round_line "$1" | grep -q '"state":"closed"'; }
sheets_stored_are() { results_json | grep -q "\"sheets\":{\"counted\":$1,\"waiting\":$2,"; }
not_waiting() { ! waiting_json | grep -q "\"sheet_id\":$1,"; }
scan_child_running() { pgrep -P "$CONSOLE_PID" >/dev/null; }
no_scan_child() { ! scan_child_running; }

# --- 1. a fresh congress with a committee of two ----------------------------------------------
log "1. congress and committee"
"$KP" init "$DB" "$SRC/sample_ballots/example-congress.toml" >"$WORK/init.json" 2>"$WORK/init.txt" || fail "kiemphieu init: $(cat "$WORK/init.txt")"
printf '%s\n' "$FIRST_PIN" | "$KP" member add "$DB" "$FIRST" >/dev/null || fail "member add $FIRST"
printf '%s\n%s\n' "$SECOND_PIN" "$FIRST_PIN" | "$KP" member add "$DB" "$SECOND" --by "$FIRST" >/dev/null || fail "member add $SECOND"
[ "$("$KP" member list "$DB" | grep -c '"role":"committee"')" -eq 2 ] || fail "two committee members are not registered"
mapfile -t CONTESTS < <(contest_ids)
[ ${#CONTESTS[@]} -eq 4 ] || fail "the example congress should have 4 contests, round list shows ${#CONTESTS[@]}"
DECK_SHEETS=$(find "$DECK" -name '*-front.*' | wc -l)

# --- 2. an X server, a window manager, the console --------------------------------------------
log "2. Xvfb, openbox, the console"
export XDG_RUNTIME_DIR="$WORK/runtime"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
# Xvfb picks a free display itself and says which on the descriptor (no race with another
# test for a number). A server or window manager that does not come up within 20 s is
# stopped and started again, three times at most.
poll_until() { # poll_until SECONDS COMMAND…
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}
display_known() { [ -s "$WORK/display" ] && grep -q '^[0-9]' "$WORK/display"; }
server_answers() { kill -0 "$XVFB_PID" && xdotool getdisplaygeometry; }
wm_running() { kill -0 "$XVFB_PID" && kill -0 "$WM_PID" && xdotool search --class openbox; }
stop_x() {
  for pid in $WM_PID $XVFB_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  WM_PID="" XVFB_PID=""
}
started=""
for attempt in 1 2 3; do
  : >"$WORK/display"
  exec {DISPLAY_FD}>"$WORK/display"
  Xvfb -displayfd "$DISPLAY_FD" -screen 0 1600x1000x24 -nolisten tcp >>"$WORK/xvfb.log" 2>&1 &
  XVFB_PID=$!
  exec {DISPLAY_FD}>&-
  if ! poll_until 20 display_known; then
    log "   Xvfb did not say its display (attempt $attempt)"
    stop_x
    continue
  fi
  export DISPLAY=":$(head -n 1 "$WORK/display" | tr -d '[:space:]')"
  if ! poll_until 20 server_answers; then
    log "   the X server $DISPLAY does not answer (attempt $attempt)"
    stop_x
    continue
  fi
  openbox --sm-disable >>"$WORK/openbox.log" 2>&1 &
  WM_PID=$!
  if poll_until 20 wm_running; then
    started=yes
    break
  fi
  log "   openbox did not start on $DISPLAY (attempt $attempt): $(tail -n 1 "$WORK/openbox.log")"
  stop_x
done
[ -n "$started" ] || fail "no X server with openbox after 3 attempts (see $WORK/xvfb.log, $WORK/openbox.log)"
log "   display $DISPLAY"
sleep 0.5

CONSOLE_LOG="$WORK/console.log"
env -u QT_QPA_PLATFORM -u KIEMPHIEU_LANG "$CONSOLE" "$DB" --lang vi >"$CONSOLE_LOG" 2>&1 &
CONSOLE_PID=$!
main_window() { xdotool search --all --onlyvisible --pid "$CONSOLE_PID" --name '^kiemphieu — trạm kiểm phiếu$' | head -n 1 | grep .; }
wait_for "the console's window “kiemphieu — trạm kiểm phiếu” appears" main_window
WIN=$(main_window)
eval "$(xdotool getwindowgeometry --shell "$WIN")"
if [ "$WIDTH" != 1280 ] || [ "$HEIGHT" != 900 ]; then
  xdotool windowsize --sync "$WIN" 1280 900
fi
eval "$(xdotool getwindowgeometry --shell "$WIN")"
[ "$WIDTH" = 1280 ] && [ "$HEIGHT" = 900 ] || fail "the console's window is ${WIDTH}×${HEIGHT}, not 1280×900: the clicks below would miss"
focus_main
wait_for "the results screen shows its headline in red (provisional)" headline_red
shot "results-at-start"

# --- 3. sign in (F2) ------------------------------------------------------------------------------
log "3. sign in with F2 as $FIRST"
focus_main
key F2
wait_for "F2 opens the sign-in dialog" dialog_shown "Đăng nhập"
settle 0.5
shot "sign-in-dialog"
# The first member is the dialog's first name; the PIN box has the focus.
answer_pin_dialog "Đăng nhập" "$FIRST_PIN"
settle 0.5
shot "signed-in"

# --- 4. set-up: ballots issued for every contest -----------------------------------------------
log "4. set-up (Ctrl+2): ballots issued"
focus_main
key ctrl+2
settle 1
ISSUED=148   # D of the example congress: 150 convened, 2 absent
ROW_Y0=550   # the rounds table's first row, 30 px a row
for i in "${!CONTESTS[@]}"; do
  c=${CONTESTS[$i]}
  focus_main
  click_row 540 $((ROW_Y0 + 30 * i)) "the row of $c"
  key alt+p                        # "&Phiếu phát ra"
  key ctrl+a
  type_text "$ISSUED"
  key alt+g                        # "&Ghi số phiếu phát ra"
  wait_for "ballots issued $ISSUED entered for $c from the set-up screen" issued_is "$c" "$ISSUED"
  settle 1                         # the screen re-reads its table after the change
done
settle 0.5
shot "setup-issued-entered"

# --- 5. scanning: the simulated scanner on the committed deck ---------------------------------
log "5. scanning (Ctrl+3): sim:$DECK"
focus_main
key ctrl+3
settle 1
# The scanner box offers the simulated scanner first; its folder goes in the box below it.
click 257 181
key ctrl+a
type_text "$DECK"
settle 0.3
shot "scan-ready"
key alt+b                          # "&Bắt đầu quét"
batch_started() { scan_child_running || ! sheets_stored_are 0 0; }
wait_for "Alt+B starts a batch (a kiemphieu scan child of the console)" batch_started
settle 1
shot "scan-running"
wait_for "the batch ends with the $DECK_SHEETS sheets of the deck stored" no_scan_child
wait_for "the scanning screen shows the last sheet scanned" paper_at 950 600
WAITING=$(waiting_count)
COUNTED=$((DECK_SHEETS - WAITING))
sheets_stored_are "$COUNTED" "$WAITING" || fail "after the batch: results do not show $COUNTED counted and $WAITING waiting: $(results_json | grep -o '"sheets":{[^}]*}')"
[ "$WAITING" -gt 0 ] || fail "no ballot waits for the committee after the batch: the deck has ambiguous marks"
log "   $DECK_SHEETS sheets: $COUNTED counted, $WAITING waiting"
settle 1
shot "scan-finished"

# --- 6. the waiting ballots: a ruling on each, with the second member's PIN --------------------
log "6. waiting ballots (Ctrl+4): $WAITING waiting"
focus_main
key ctrl+4
wait_for "the waiting screen shows the first waiting sheet's image" paper_at 220 600
shot "waiting-queue"
# Gray scans first: each waits only for its red stamp to be seen, and the committee, having looked
# at the paper, confirms them all at once (Alt+Q) with the second member's PIN.
stamp_only_count() { waiting_json | grep -c '"wait_reasons":\["flag:stamp_not_checked"\]' || true; }
GRAY=$(stamp_only_count)
[ "$GRAY" -gt 0 ] || fail "no sheet of the deck waits only for its stamp: the deck has gray scans with clear marks"
focus_main
key alt+q                          # "Xác nhận dấu đỏ các tờ &quét xám (N)…"
answer_pin_dialog "Thành viên thứ hai đồng ý" "$SECOND_PIN" "stamps-second-member"
stamps_confirmed() { [ "$(stamp_only_count)" -eq 0 ]; }
wait_for "the $GRAY gray-scanned sheets waiting only for their stamp are counted" stamps_confirmed
wait_for "the waiting screen says in green that the stamps were confirmed" confirmation_green
shot "stamps-confirmed"
WAITING=$(waiting_count)
log "   $GRAY gray scans confirmed at once; $WAITING rulings to go"
ruled=0
while [ "$(waiting_count)" -gt 0 ]; do
  [ $ruled -lt "$WAITING" ] || fail "still waiting after $ruled rulings: $(waiting_json | head -n 3)"
  # The queue is in sheet order; the screen shows its first row.
  line=$(waiting_json | sed -n 's/.*"contest_id":"\([^"]*\)".*"sheet_id":\([0-9]*\),.*"wait_reasons":\[\([^]]*\)\].*/\2 \1 \3/p' | sort -n | head -n 1)
  read -r sheet contest reasons <<<"$line"
  focus_main
  click_row 100 139 "the waiting queue's first row (sheet $sheet)"
  # Each target the reader found unclear gets the first decision offered ("giữ" for a name,
  # "đồng ý" for a box): a ruling, whichever it is, is what the test drives.
  read -r -a cands <<<"$(candidates_of "$contest")"
  for reason in ${reasons//,/ }; do
    reason=${reason//\"/}
    case $reason in
      unclear:*)
        id=${reason#unclear:}
        row=-1
        for j in "${!cands[@]}"; do [ "${cands[$j]}" = "$id" ] && row=$j; done
        [ $row -ge 0 ] || fail "sheet $sheet: $id is not on the list of $contest"
        click 840 $((557 + 30 * row))  # the decision box of that target's row
        settle 0.4
        key Down Return                # past "— chọn —" to the first decision
        settle 0.2
        ;;
    esac
  done
  key alt+d                        # "Lý &do (ghi vào biên bản)"
  key ctrl+a
  type_text "Ban kiểm phiếu xem tờ $sheet"
  settle 0.2
  if [ $ruled -eq 0 ]; then shot "ruling-filled-in"; fi
  key alt+g                        # "&Ghi quyết định…"
  if [ $ruled -eq 0 ]; then
    answer_pin_dialog "Thành viên thứ hai đồng ý" "$SECOND_PIN" "ruling-second-member"
  else
    answer_pin_dialog "Thành viên thứ hai đồng ý" "$SECOND_PIN"
  fi
  wait_for "the ruling on sheet $sheet ($contest: $reasons) is recorded" not_waiting "$sheet"
  wait_for "the waiting screen says in green that the ruling on sheet $sheet was recorded" confirmation_green
  if [ $ruled -eq 0 ]; then shot "ruling-recorded"; fi
  ruled=$((ruled + 1))
done
wait_for "the waiting screen's picture is empty once nothing waits" slate_at 220 600
highlighted 100 139 && fail "the waiting queue still shows a row after the last ruling"
shot "waiting-queue-empty"
sheets_stored_are "$DECK_SHEETS" 0 || fail "after the rulings results do not show every sheet counted: $(results_json | grep -o '"sheets":{[^}]*}')"
log "   $ruled rulings recorded"

# --- 7. set-up: every round closed with the second member ------------------------------------
log "7. set-up (Ctrl+2): close the rounds"
focus_main
key ctrl+2
settle 1
for i in "${!CONTESTS[@]}"; do
  c=${CONTESTS[$i]}
  focus_main
  click_row 540 $((ROW_Y0 + 30 * i)) "the row of $c"
  key alt+l                        # "Kết thúc &lần bầu…"
  if [ "$i" -eq 0 ]; then
    answer_pin_dialog "Thành viên thứ hai đồng ý" "$SECOND_PIN" "close-round-second-member"
  else
    answer_pin_dialog "Thành viên thứ hai đồng ý" "$SECOND_PIN"
  fi
  wait_for "the round of $c is closed (set-up screen, second member)" round_closed "$c"
  settle 1
done
settle 1
shot "setup-rounds-closed"

# --- 8. the record (Ctrl+7) -----------------------------------------------------------------------
log "8. record (Ctrl+7)"
focus_main
key ctrl+7
settle 1
key alt+l                          # "&Lập biên bản từ số liệu hiện tại" ("&Lưu PDF…" is disabled until then)
record_written() {
  local d
  d=$(find "$DB.records" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)
  [ -n "$d" ] && [ -s "$d/results.json" ] && [ "$(find "$d" -name '*-bien-ban.pdf' | wc -l)" -eq ${#CONTESTS[@]} ]
}
wait_for "Alt+L writes the record into $DB.records/" record_written
RECORD=$(find "$DB.records" -mindepth 1 -maxdepth 1 -type d | head -n 1)
settle 2
shot "record-written"
TITLES=()
for c in "${CONTESTS[@]}"; do
  pdf="$RECORD/$c-bien-ban.pdf"
  [ -s "$pdf" ] || fail "no record $pdf"
  title=$("$KP" check "$SRC/sample_ballots/example-congress.toml" --json | grep -A1 "\"contest_id\": \"$c\"" | sed -n 's/.*"title": "\(.*\)",*$/\1/p' | head -n 1)
  [ -n "$title" ] || fail "cannot find the title of $c"
  TITLES+=("$title")
  pdftotext -layout "$pdf" - | tr -s ' \n' ' ' | grep -qF "$title" || fail "the record $pdf does not show the title “$title”"
  if pdftotext "$pdf" - | grep -qi "tạm thời"; then fail "the record $pdf is still marked provisional"; fi
done

# --- 9. the final results (Ctrl+1) ---------------------------------------------------------------
log "9. results (Ctrl+1)"
focus_main
key ctrl+1
wait_for "the results screen shows its headline in green (final)" headline_green
shot "results-final"
results_json | grep -q '"final":true' || fail "results are not FINAL: $(results_json | grep -o '"provisional_because":\[[^]]*\]')"
results_json | grep -q '"provisional_because":\[\]' || fail "results still say why they are provisional: $(results_json | grep -o '"provisional_because":\[[^]]*\]')"
[ "$(waiting_count)" -eq 0 ] || fail "kiemphieu waiting still lists ballots"
for c in "${CONTESTS[@]}"; do round_closed "$c" || fail "round of $c not closed"; done

# --- 10. the window closed the way a person closes it; the log verifies -------------------------
log "10. close the window (Alt+F4) and audit verify"
focus_main
key alt+F4
console_gone() { ! kill -0 "$CONSOLE_PID" 2>/dev/null; }
wait_for "Alt+F4 closes the console" console_gone
set +e
wait "$CONSOLE_PID"
code=$?
set -e
CONSOLE_PID=""
[ $code -eq 0 ] || fail "the console exited with $code"
"$KP" audit verify "$DB" >"$WORK/verify.txt" 2>&1 || { cat "$WORK/verify.txt" >&2; fail "kiemphieu audit verify"; }
# The texts of the final results screen, as the console renders it off-screen on the same
# congress (what the window showed, in words; the pixels above only say red or green).
WIN=""
env -u KIEMPHIEU_LANG QT_QPA_PLATFORM=offscreen "$CONSOLE" "$DB" --lang vi --screen results \
  --screenshot "$OUT/$(printf '%02d' $((SHOT_NO + 1)))-results-final-offscreen.png" --screen-text "$WORK/results.txt" >>"$CONSOLE_LOG" 2>&1 ||
  fail "the console cannot render the final results off-screen"
for expected in "KẾT QUẢ CHÍNH THỨC" "chờ Ban kiểm phiếu 0" "${TITLES[@]}"; do
  grep -qF "$expected" "$WORK/results.txt" || fail "the final results screen does not show “$expected” ($WORK/results.txt)"
done
retries=0
[ -f "$WORK/retries.log" ] && retries=$(wc -l <"$WORK/retries.log")
log "passed: $ruled rulings, ${#CONTESTS[@]} rounds closed, record written, $retries read(s) of the congress tried again; screenshots in $OUT"
