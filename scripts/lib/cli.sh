# Sourced by the shell tools so that each answers the same way: --help (-h)
# prints $usage and exits 0, --version (-V) prints the commit and exits 0
# (README: "Command-line conventions"). Call: cli_common "$@".
cli_common() {
  case "${1:-}" in
    -h|--help) echo "$usage"; exit 0 ;;
    -V|--version)
      echo "$(basename "$0") $(git -C "$(dirname "$0")" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)"
      exit 0 ;;
  esac
}
