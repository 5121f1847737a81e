# Where each byte of an ant goes: one panel per layout, one stacked bar per
# allocator, the components of scripts/breakdown.py from the bottom (the
# information itself) up to the measured RSS, whose value labels the bar.
# A component the allocator does not report draws nothing (the CSV cell is
# empty); mimalloc's bar shows its allocator overhead and unused resident
# pages as one hatched "not separable" segment instead.
# Variables: data     CSV from scripts/report.py (colony-breakdown.csv)
#            layouts  space-separated layouts, one panel each, in order
#            out, subtitle (see style.gp)
set datafile separator ","
W = 1100
H = 820
load dir."style.gp"
first = 4   # payload
last = 12   # unattributed
total = 13  # total_rss
names = "payload headers_&_pointers table_slack padding_&_inline_slack growth_slack_(resident) size-class_rounding allocator_overhead resident,_not_in_use_(timing_of_the_run) allocator_+_unused_(not_separable)"
# components, not layouts: Tol's light palette (style.gp), in the stack's order
colors = tol_light
rows(l) = sprintf("< awk -F, '$1 == \"%s\"' '%s'", l, data)
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.6
set grid ytics lc rgb "#dddddd"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set ylabel "bytes per ant"
label(i) = system(sprintf("echo '%s' | tr _ ' '", word(names, i - first + 1)))
np = words(layouts)
cols = (np + 1) / 2
set multiplot title sprintf("Where each byte of an ant goes (%s)\ncomponents sum to the measured RSS as run; each panel has its own y scale", subtitle)
unset key
do for [p=1:np] {
  set title word(layouts, p) noenhanced
  set origin ((p - 1) % cols) * 1.0 / cols, 0.15 + (1 - (p - 1) / cols) * 0.405
  set size 1.0 / cols, 0.405
  plot for [i=first:last-1] rows(word(layouts, p)) using (valid(i) ? column(i) : 0):xtic(2) \
         lc rgb word(colors, i - first + 1), \
       rows(word(layouts, p)) using (valid(last) ? column(last) : 0) \
         lc rgb word(colors, last - first + 1) fs pattern 4, \
       rows(word(layouts, p)) using 0:total:(sprintf("%.1f", column(total))) with labels offset 0, 0.8
}
# The legend: a panel of its own across the bottom, holding only the key.
set origin 0, 0
set size 1, 0.15
unset title; unset border; unset tics; unset ylabel; unset grid
set xrange [0:1]; set yrange [0:1]
set key center center horizontal maxcols 4 samplen 2 width 1 noenhanced
plot for [i=first:last-1] NaN with boxes fs solid 0.9 lc rgb word(colors, i - first + 1) title label(i), \
     NaN with boxes fs pattern 4 lc rgb word(colors, last - first + 1) title label(last)
unset multiplot
