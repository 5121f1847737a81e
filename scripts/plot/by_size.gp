# One measure against input size, one line per variant (chunked scenario).
# Variables: data     CSV from scripts/dataset_report.py (chunked-by-size.csv)
#            col      column to plot, e.g. "peak_rss_bytes"
#            scale    divisor for the y values (e.g. 1048576 for MiB)
#            what     y-axis words, e.g. "peak RSS (MiB)"
#            variants space-separated variant names
#            out      output path (.png or .svg)
set datafile separator ","
set datafile columnheaders
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size 900,560 dynamic font "sans,12" background rgb "white"
} else {
  set terminal pngcairo size 900,560 font "sans,11"
}
set output out
set title sprintf("%s against input size (%s)", what, subtitle) noenhanced
set xlabel "rows in the input file"
set ylabel what noenhanced
set key top left box opaque noenhanced
set grid ytics xtics lc rgb "#dddddd"
set logscale x
set format x "%.0s%c"
colors = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #17becf #7f7f7f"
n = words(variants)
set yrange [0:*]
# each variant's rows (and the header) through awk, so its points join into one line
rows_of(v) = sprintf("< awk -F, 'NR == 1 || $2 == \"%s\"' '%s'", v, data)
plot for [i=1:n] rows_of(word(variants, i)) using 1:(column(col) / scale) \
     with linespoints lw 2 pt (word(variants, i)[1:3] eq "py_" ? 6 : 7) ps 1.2 dt i \
     lc rgb word(colors, i) title word(variants, i)
