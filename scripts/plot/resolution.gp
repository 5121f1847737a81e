# Resolution: memory_profiler's mprof samples against the suite's curve of the
# same colony build (scripts/reference/mprof_colony.py), each on its own x
# axis (mprof's is time in its process, the suite's the loop's iterations:
# they do not line up, so they are not drawn on one axis), y the RSS above
# each one's first point.
# Variables: data      mprof-colony.csv (source, share_of_run, mib_above_first)
#            interval  mprof's sampling interval (s)   run_s  mprof's run (s)
#            n         ants    samples  mprof's samples   rows  suite's change points
#            out, subtitle (see style.gp)
set datafile separator ","
set datafile columnheaders
H = 760
load dir."style.gp"
rows_of(s) = sprintf("< awk -F, 'NR == 1 || $1 == \"%s\"' '%s'", s, data)
set multiplot layout 2,1 title sprintf("RSS of the article's colony build (py_dict, %s), two tools", subtitle)
set key top left
set ylabel "MiB above the first point"
set title sprintf("mprof: %d samples, one every %g s (its default interval; -T sets it)", samples, interval)
set xlabel "seconds since mprof started the process"
plot rows_of("mprof") using ($2 * run_s):3 with linespoints lw 2 pt 7 ps 1.5 lc rgb muted(7) title "mprof sample"
set title sprintf("the suite: RSS read after each of %d iterations, %d change points kept", n, rows)
set xlabel "ants added (iteration)"
set format x "%.0s%c"
plot rows_of("suite") using ($2 * n):3 with steps lw 2 lc rgb muted(1) title "suite (change points)"
unset multiplot
