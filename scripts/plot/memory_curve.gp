# Memory against iteration, one curve per layout or variant: the seed's
# headline chart. The y axis is MiB above each run's own baseline (its first
# row), so curves start at zero and their slope is bytes per iteration.
# Variables (gnuplot -e): files   space-separated curve CSVs (antmem's schema)
#                         titles  legend titles, one per file (quoted words may
#                                 hold spaces: a note that a curve is hidden)
#                         files2, titles2  optional: a second panel below, with
#                                 its own y scale (the article's pandas code,
#                                 whose range would flatten the C curves)
#                         col     column to plot, e.g. "rss_bytes"
#                         what    y-axis words, e.g. "RSS"
#                         family  "layout" (colours of style.gp's layouts) or
#                                 "variant" (Tol's muted palette, by position)
#                         xlabel, event, panel1, panel2: words (defaults below)
#                         out, layouts, subtitle (see style.gp)
set datafile separator ","
set datafile columnheaders
if (exists("files2")) { H = 820 }
load dir."style.gp"
if (!exists("event")) event = "while the colony grows"
if (!exists("xlabel")) xlabel = "ants added (iteration)"
if (!exists("family")) family = "layout"
if (!exists("panel1")) panel1 = ""
if (!exists("panel2")) panel2 = ""
set xlabel xlabel
set ylabel sprintf("%s above baseline (MiB)", what)
set format x "%.0s%c"
set key top left
set style data steps
name_of(t) = strstrt(t, " ") ? t[1:strstrt(t, " ") - 1] : t
color_of(list, i) = family eq "layout" ? layout_color(name_of(word(list, i))) : muted(i)
dash_of(list, i) = family eq "layout" ? layout_dash(name_of(word(list, i))) : \
  (word(list, i)[1:3] eq "py_" ? 2 : 1)
do for [i=1:words(files)] {
  stats word(files, i) using (column(col)) every ::0::0 nooutput
  eval sprintf("base%d = %.0f", i, STATS_min)
}
if (exists("files2")) {
  do for [i=1:words(files2)] {
    stats word(files2, i) using (column(col)) every ::0::0 nooutput
    eval sprintf("second%d = %.0f", i, STATS_min)
  }
  set multiplot layout 2,1 title sprintf("%s %s\n(%s)", what, event, subtitle)
  set title panel1
} else {
  set title sprintf("%s %s\n(%s)", what, event, subtitle)
}
plot for [i=1:words(files)] word(files, i) using 1:((column(col) - value(sprintf("base%d", i))) / 1048576.0) \
     lw 2 lc rgb color_of(titles, i) dt dash_of(titles, i) title word(titles, i)
if (exists("files2")) {
  set title panel2
  plot for [i=1:words(files2)] word(files2, i) using 1:((column(col) - value(sprintf("second%d", i))) / 1048576.0) \
       lw 2 lc rgb color_of(titles2, i + (family eq "variant" ? words(files) : 0)) \
       dt dash_of(titles2, i) title word(titles2, i)
  unset multiplot
}
