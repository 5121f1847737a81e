# RSS live bytes per ant by layout and allocator: a cluster per layout in the
# layout's colour, a bar per allocator told apart by its fill (style.gp),
# each labelled with the value it plots, with its min-max over repetitions.
# CPython's py_* layouts have one bar (RSS as run: no purge to ask for).
# Variables: data        CSV from scripts/report.py: layout, then per allocator
#                        <a>_usable,<a>_rss_live,<a>_rss_live_min,<a>_rss_live_max
#            allocators  space-separated allocator names, in the CSV's order
#            out, layouts, subtitle (see style.gp)
set datafile separator ","
W = 1100
load dir."style.gp"
rgb_of(hex) = ("0x".hex[2:]) + 0
n = words(allocators)
stats data using (1) skip 1 nooutput
rows = STATS_records
set title sprintf("RSS live per ant by layout and allocator (%s)\nmedian of the repetitions, labelled; error bars: min-max; CPython: RSS as run", subtitle)
set ylabel "RSS live, bytes per ant"
set xrange [-0.6:rows - 0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.14, 0
set xtics scale 0
set key top right
bw = 0.8 / n
x(i) = $0 + (i - (n + 1) / 2.0) * bw
color(l) = rgb_of(layout_color(l))
c(i, k) = 1 + 4 * (i - 1) + k  # column k (1 usable, 2 rss, 3 min, 4 max) of allocator i
plot data using 0:(NaN):xtic(1) skip 1 notitle, \
     for [i=1:n] '' using (x(i)):(column(c(i, 2))):(bw):(color(strcol(1))) skip 1 \
       with boxes lc rgb variable fs solid alloc_density(word(allocators, i)) border -1 notitle, \
     for [i=1:n] '' using (x(i)):(column(c(i, 3))):(0):(column(c(i, 4)) - column(c(i, 3))) skip 1 \
       with vectors nohead lw 2 lc rgb "black" notitle, \
     for [i=1:n] '' using (x(i)):(column(c(i, 4))):(valid(c(i, 2)) ? sprintf("%.1f", column(c(i, 2))) : "") skip 1 \
       with labels rotate by 90 left offset 0,0.4 font ",8" notitle, \
     for [i=1:n] NaN with boxes fs solid alloc_density(word(allocators, i)) border -1 lc rgb "#444444" \
       title word(allocators, i)
