# Memory against iteration, one curve per layout: the seed's headline chart.
# Variables (gnuplot -e): files  space-separated curve CSVs (antmem's schema)
#                         titles space-separated legend titles, one per file
#                         col    column to plot, e.g. "rss_bytes"
#                         what   y-axis words, e.g. "RSS"
#                         out    output path; terminal from its extension (.png/.svg)
#                         xlabel x-axis words (default "ants added (iteration)")
#                         event  title words (default "while the colony grows")
# The y axis is MiB above each run's own baseline (iteration 0), so curves
# start at zero and their slope is bytes per ant.
set datafile separator ","
set datafile columnheaders
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size 900,560 dynamic font "sans,12" background rgb "white"
} else {
  set terminal pngcairo size 900,560 font "sans,11"
}
set output out
n = words(files)
do for [i=1:n] {
  stats word(files, i) using (column(col)) every ::0::0 nooutput
  eval sprintf("base%d = %.0f", i, STATS_min)
}
if (!exists("event")) event = "while the colony grows"
set title sprintf("%s %s (%s)", what, event, subtitle) noenhanced
if (!exists("xlabel")) xlabel = "ants added (iteration)"
set xlabel xlabel noenhanced
set ylabel sprintf("%s above baseline (MiB)", what)
set format x "%.0s%c"
set key top left box opaque noenhanced
set grid ytics xtics lc rgb "#dddddd"
set style data steps
# Distinct colours; the reference interpreter's curves (py_*) dashed.
colors = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #17becf"
dash(i) = strstrt(word(titles, i), "py_") == 1 ? 2 : 1
plot for [i=1:n] word(files, i) using 1:((column(col) - value(sprintf("base%d", i))) / 1048576.0) \
     with steps lw 2 lc rgb word(colors, (i - 1) % 8 + 1) \
     dt dash(i) title word(titles, i)
