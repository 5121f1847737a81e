# One layout's run: every memory figure the sampler records, against the
# iteration, so the gaps between them are visible: requested (what the
# layout asked for) < usable (size classes) <= active (pages of live slabs)
# <= resident (the allocator's resident pages) and RSS (the whole process).
# The allocator's two are read at 64 points of the run, RSS at every iteration.
# Variables: file   a curve CSV (antmem's schema)   title_of  chart title words
#            out    output path (.png or .svg)
set datafile separator ","
set datafile columnheaders
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size 900,560 dynamic font "sans,12" background rgb "white"
} else {
  set terminal pngcairo size 900,560 font "sans,11"
}
set output out
cols = "requested_bytes usable_bytes active_bytes resident_bytes rss_bytes"
# active and resident are the allocator's own statistics, read at 64 points
# of the run (they cost microseconds): their steps are those readings
names = "requested usable(size_classes) active(pages_of_live_slabs;_read_64_times) allocator_resident(read_64_times) RSS(process;_every_iteration)"
colors = "#9ecae1 #3182bd #31a354 #ff7f0e #d62728"
n = words(cols)
do for [i=1:n] {
  stats file using (column(word(cols, i))) every ::0::0 nooutput
  eval sprintf("base%d = %.0f", i, STATS_min)
}
set title sprintf("%s: heap and RSS while the colony grows (%s)", title_of, subtitle) noenhanced
set xlabel "ants added (iteration)"
set ylabel "MiB above the baseline"
set format x "%.0s%c"
set key top left box opaque noenhanced
set grid ytics xtics lc rgb "#dddddd"
plot for [i=1:n] file using 1:((column(word(cols, i)) - value(sprintf("base%d", i))) / 1048576.0) \
     with steps lw 2 lc rgb word(colors, i) title system(sprintf("echo '%s' | tr _ ' '", word(names, i)))
