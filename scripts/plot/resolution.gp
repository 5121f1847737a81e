# Resolution: memory_profiler's mprof samples against the suite's curve of the
# same colony build (scripts/reference/mprof_colony.py). x is the share of
# each one's run (mprof: its whole process; the suite: the loop), y the RSS
# above its first point; mprof's samples are drawn as points, the suite's
# change points as steps.
# Variables: data  mprof-colony.csv    counts  words for the title
#            out   output path (.png or .svg)
set datafile separator ","
set datafile columnheaders
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size 900,560 dynamic font "sans,12" background rgb "white"
} else {
  set terminal pngcairo size 900,560 font "sans,11"
}
set output out
set title sprintf("RSS of the article's colony build (py_dict, %s)\n%s", subtitle, counts) noenhanced
set xlabel "share of the run (mprof: whole process; suite: the add_ant loop)" noenhanced
set ylabel "MiB above the first point"
set key top left box opaque noenhanced
set grid ytics xtics lc rgb "#dddddd"
set xrange [0:1]
rows_of(s) = sprintf("< awk -F, 'NR == 1 || $1 == \"%s\"' '%s'", s, data)
plot rows_of("suite") using 2:3 with steps lw 2 lc rgb "#1f77b4" title "suite: RSS read after every iteration, change points kept", \
     rows_of("mprof") using 2:3 with linespoints lw 2 pt 7 ps 1.5 lc rgb "#d62728" title "mprof: a sample every 0.1 s"
