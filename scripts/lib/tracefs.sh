# Sourced: the RSS tracker's exact and fast method (fault-trace) reads the
# kernel's page-fault tracepoints, whose ids tracefs holds. Most systems mount
# it at boot; where it is not and we are root, mount it (else the tracker
# falls back to a statm read per faulting iteration, exact but slower).
if [ ! -e /sys/kernel/tracing/events ] && [ ! -e /sys/kernel/debug/tracing/events ] &&
   [ "$(id -u)" -eq 0 ]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
    echo "note: tracefs could not be mounted: RSS is read by the slower page-faults method" >&2
fi
