# Bytes per ant per layout: clustered bars, one cluster per layout, one bar
# per measure (requested, allocated after size classes, RSS live, RSS as run),
# each labelled with its plotted value.
# Variables: data   CSV from scripts/report.py: layout,requested,allocated,rss,
#                   rss_min,rss_max,rss_live,rss_live_min,rss_live_max (bytes
#                   per ant; min/max over repetitions, each a new process)
#            out    output path (.png or .svg)
set datafile separator ","
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size 900,560 dynamic font "sans,12" background rgb "white"
} else {
  set terminal pngcairo size 900,560 font "sans,11"
}
set output out
set title sprintf("Memory per ant by layout (%s)", subtitle) noenhanced
set ylabel "bytes per ant"
set xtics noenhanced  # layout names as written: shared_dict, not shared + subscript
set style data histograms
set style histogram clustered gap 1 errorbars lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right box opaque
set grid ytics lc rgb "#dddddd"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
plot data using 2:2:2:xtic(1) skip 1 title "requested" lc rgb "#9ecae1", \
     '' using 3:3:3 skip 1 title "allocated (size classes)" lc rgb "#3182bd", \
     '' using 7:8:9 skip 1 title "RSS live (free pages returned)" lc rgb "#e6550d", \
     '' using 4:5:6 skip 1 title "RSS as run (min-max over reps)" lc rgb "#fdae6b", \
     '' using ($0 - 0.3):2:(sprintf("%.1f", $2)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     '' using ($0 - 0.1):3:(sprintf("%.1f", $3)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     '' using ($0 + 0.1):7:(sprintf("%.1f", $7)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     '' using ($0 + 0.3):4:(sprintf("%.1f", $4)) skip 1 with labels offset 0,0.7 font ",8" notitle
