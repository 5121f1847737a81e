# One layout's run: every memory figure the sampler records, against the
# iteration, so the gaps between them are visible: requested (what the
# layout asked for) < usable (size classes) <= active (pages of live slabs)
# <= resident (the allocator's resident pages) and RSS (the whole process).
# The allocator's two are read at 64 points of the run, RSS at every iteration.
# Variables: file   a curve CSV (antmem's schema)   title_of  chart title words
#            names  the five legend titles, quoted (chart_inputs.py titles:
#                   a series another covers says so)
#            out, subtitle (see style.gp)
set datafile separator ","
set datafile columnheaders
load dir."style.gp"
cols = "requested_bytes usable_bytes active_bytes resident_bytes rss_bytes"
n = words(cols)
do for [i=1:n] {
  stats file using (column(word(cols, i))) every ::0::0 nooutput
  eval sprintf("base%d = %.0f", i, STATS_min)
}
set title sprintf("%s: heap and RSS while the colony grows\n(%s)", title_of, subtitle)
set xlabel "ants added (iteration)"
set ylabel "MiB above the baseline"
set format x "%.0s%c"
set key top left
# measures, not layouts: Tol's muted palette, dashes for the allocator's own figures
dash(i) = i == 3 || i == 4 ? 2 : 1  # (a "dt (" would read as a dash pattern)
plot for [i=1:n] file using 1:((column(word(cols, i)) - value(sprintf("base%d", i))) / 1048576.0) \
     with steps lw (i == 5 ? 2.5 : 2) dt dash(i) lc rgb muted(word("1 3 5 7 2", i) + 0) title word(names, i)
