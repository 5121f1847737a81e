# One figure over commits (scripts/history.py report): one line per layout
# and machine, the layout's colour (style.gp), the machine's dash; points at
# the runs, error bars their min-max over repetitions.
# Variables: data     history-<metric>.csv (order,machine,commit,date_utc,layout,median,min,max)
#            machines space-separated machine ids   what  the y-axis words
#            tics     gnuplot xtics: "commit" order, ...
#            out, layouts (see style.gp)
set datafile separator ","
set datafile columnheaders
W = 1000
load dir."style.gp"
set title sprintf("%s over commits\none line per layout and machine; error bars: min-max over repetitions", what)
set ylabel what
set xlabel "commit (in date order)"
eval sprintf("set xtics (%s) rotate by -30", tics)
set key outside right top
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
rgb_of(hex) = ("0x".hex[2:]) + 0
rows(l, m) = sprintf("< awk -F, 'NR == 1 || ($5 == \"%s\" && $2 == \"%s\")' '%s'", l, m, data)
nl = words(layouts)
nm = words(machines)
mdash(k) = k % nm + 1  # (a "dt (" would read as a dash pattern)
plot for [k=0:nl*nm-1] rows(word(layouts, k / nm + 1), word(machines, k % nm + 1)) \
       using 1:6 with linespoints lw 2 pt 7 dt mdash(k) \
       lc rgb layout_color(word(layouts, k / nm + 1)) \
       title sprintf("%s @ %s", word(layouts, k / nm + 1), word(machines, k % nm + 1)), \
     for [k=0:nl*nm-1] rows(word(layouts, k / nm + 1), word(machines, k % nm + 1)) \
       using 1:7:(0):($8 - $7) with vectors nohead lc rgb "black" notitle
