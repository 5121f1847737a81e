# One measure against input size, one line per variant (chunked scenario), on
# log scales: the C and pandas figures differ by orders of magnitude.
# Variables: data     CSV from scripts/dataset_report.py (chunked-by-size.csv)
#            col      column to plot, e.g. "peak_rss_bytes"
#            scale    divisor for the y values (e.g. 1048576 for MiB)
#            what     y-axis words, e.g. "peak RSS (MiB)"
#            variants space-separated variant names
#            titles   their legend titles, quoted (chart_inputs.py by-size-titles:
#                     a variant another covers says so)
#            out, subtitle (see style.gp)
set datafile separator ","
set datafile columnheaders
load dir."style.gp"
set title sprintf("%s against input size\n(%s)", what, subtitle)
set xlabel "rows in the input file"
set ylabel what
set key top left
set logscale xy
set offsets graph 0.05, graph 0.05, 0, 0
set format x "%.0s%c"
n = words(variants)
# each variant's rows (and the header) through awk, so its points join into one line;
# a zero (nothing to plot on a log axis) is left out
rows_of(v) = sprintf("< awk -F, 'NR == 1 || $2 == \"%s\"' '%s'", v, data)
py(i) = word(variants, i)[1:3] eq "py_"
dash(i) = py(i) ? 2 : 1  # (a "dt (" would read as a dash pattern)
plot for [i=1:n] rows_of(word(variants, i)) using 1:(column(col) > 0 ? column(col) / scale : NaN) \
     with linespoints lw 2 pt (py(i) ? 6 : 7) ps 1.2 dt dash(i) lc rgb muted(i) title word(titles, i)
