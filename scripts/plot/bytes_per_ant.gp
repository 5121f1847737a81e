# Bytes per ant per layout under one allocator: a cluster per layout in the
# layout's own colour, a bar per measure told apart by its fill (requested:
# cross-hatched, usable: hatched, RSS live: solid, RSS as run: light), each
# labelled with the value it plots; the RSS bars carry their min-max over
# repetitions (each a new process) as error bars.
# Variables: data   CSV from scripts/report.py: layout,requested,usable,rss,
#                   rss_min,rss_max,rss_live,rss_live_min,rss_live_max (B/ant)
#            out, layouts, subtitle (see style.gp)
set datafile separator ","
load dir."style.gp"
rgb_of(hex) = ("0x".hex[2:]) + 0
stats data using (1) skip 1 nooutput
rows = STATS_records
set title sprintf("Memory per ant by layout (%s)\nmedian of the repetitions; error bars: min-max of RSS over the repetitions", subtitle)
set ylabel "bytes per ant"
set xrange [-0.6:rows - 0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set xtics scale 0
set key top right
bw = 0.2
color(l) = rgb_of(layout_color(l))
plot data using 0:(NaN):xtic(1) skip 1 notitle, \
     '' using ($0 - 1.5*bw):2:(bw):(color(strcol(1))) skip 1 with boxes lc rgb variable fs pattern 2 border -1 notitle, \
     '' using ($0 - 0.5*bw):3:(bw):(color(strcol(1))) skip 1 with boxes lc rgb variable fs pattern 4 border -1 notitle, \
     '' using ($0 + 0.5*bw):7:(bw):(color(strcol(1))) skip 1 with boxes lc rgb variable fs solid 0.9 border -1 notitle, \
     '' using ($0 + 1.5*bw):4:(bw):(color(strcol(1))) skip 1 with boxes lc rgb variable fs solid 0.35 border -1 notitle, \
     '' using ($0 + 0.5*bw):8:(0):($9 - $8) skip 1 with vectors nohead lw 2 lc rgb "black" notitle, \
     '' using ($0 + 1.5*bw):5:(0):($6 - $5) skip 1 with vectors nohead lw 2 lc rgb "black" notitle, \
     '' using ($0 - 1.5*bw):2:(sprintf("%.1f", $2)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     '' using ($0 - 0.5*bw):3:(sprintf("%.1f", $3)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     '' using ($0 + 0.5*bw):9:(sprintf("%.1f", $7)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     '' using ($0 + 1.5*bw):6:(sprintf("%.1f", $4)) skip 1 with labels offset 0,0.7 font ",8" notitle, \
     NaN with boxes fs pattern 2 border -1 lc rgb "#444444" title "requested (what the layout asked for)", \
     NaN with boxes fs pattern 4 border -1 lc rgb "#444444" title "usable (after size classes)", \
     NaN with boxes fs solid 0.9 border -1 lc rgb "#444444" title "RSS live (free pages returned)", \
     NaN with boxes fs solid 0.35 border -1 lc rgb "#444444" title "RSS as run (freed pages kept until decay)"
