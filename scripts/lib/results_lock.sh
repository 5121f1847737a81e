# Sourced by the tools that replace what is in a results folder (run-all,
# save-baseline): one of them at a time per folder, under one lock beside it,
# PARENT/.NAME.run-all.lock (flock on fd 9, which stays open to the end; the
# holder's pid inside). Beside the folder is where others may write (/tmp):
# own_file.py refuses a planted link or another user's file there.
# Call: take_results_lock DIR TOOL  (sets results_parent, results_name)
take_results_lock() {
  local real lock
  real=$(realpath -- "$1")
  results_parent=$(dirname "$real") results_name=$(basename "$real")
  lock="$results_parent/.$results_name.run-all.lock"
  python3 "$(dirname "${BASH_SOURCE[0]}")/own_file.py" "$lock" 2> >(sed "s/^/$2: /" >&2) || exit 2
  exec 9<>"$lock" || { echo "$2: $lock: cannot open the lock" >&2; exit 2; }
  if ! flock -n 9; then
    echo "$2: $1: in use by another run-all or save-baseline (pid $(tr -d ' \n' <"$lock" || echo unknown))" >&2
    exit 2
  fi
  printf '%10d\n' $$ >&9
}
