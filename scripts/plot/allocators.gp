# RSS bytes per ant by layout and allocator: one cluster per layout, one bar
# per allocator with its min-max over repetitions; the label on each bar is
# the usable bytes per ant (malloc_usable_size), the allocator's rounding;
# none where it was not measured (CPython's py_* layouts).
# Variables: data        CSV from scripts/report.py: layout, then per allocator
#                        <a>_usable,<a>_rss,<a>_rss_min,<a>_rss_max
#            allocators  space-separated allocator names, in the CSV's order
#            out         output path (.png or .svg)
set datafile separator ","
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size 900,560 dynamic font "sans,12" background rgb "white"
} else {
  set terminal pngcairo size 900,560 font "sans,11"
}
set output out
n = words(allocators)
set title sprintf("RSS per ant by layout and allocator (%s); labels: usable bytes per ant", subtitle) noenhanced
set ylabel "RSS bytes per ant"
set style data histograms
set style histogram clustered gap 1 errorbars lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right box opaque noenhanced
set grid ytics lc rgb "#dddddd"
set xtics noenhanced
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
colors = "#3182bd #e6550d #31a354 #756bb1"
w = 1.0 / (n + 1)
plot for [i=1:n] data using (column(3+4*(i-1))):(column(4+4*(i-1))):(column(5+4*(i-1))):xtic(1) \
       skip 1 title word(allocators, i) lc rgb word(colors, i), \
     for [i=1:n] data using ($0 - 0.5 + w*i):(column(3+4*(i-1))):(valid(2+4*(i-1)) ? sprintf("%.0f", column(2+4*(i-1))) : "") \
       skip 1 with labels offset 0,0.8 font ",9" notitle
