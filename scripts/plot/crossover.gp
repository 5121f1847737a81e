# Bytes per record against the presence of the record's optional fields,
# one line per layout (the byte model, scripts/record_model.py, at the run's
# N), and the measured points at the record file's own presences.
# Variables: data     record-crossover-NAME.csv: presence_percent, then a
#                     column per layout (usable B/record, jemalloc)
#            measured record-crossover-NAME-measured.csv: layout,
#                     presence_percent, usable (B/record, measured)
#            name, out, layouts, subtitle (see style.gp)
set datafile separator ","
if (!exists("W")) W = 1050
load dir."style.gp"
set title sprintf("%s: bytes per record against the presence of its optional fields\n%s", name, subtitle)
set xlabel "optional fields present in this share of records (%)"
set ylabel "usable bytes per record (jemalloc)"
set xrange [0:100]
set yrange [0:*]
set key outside right top  # inside, it hid log_event's dict line
columns = words(layouts)
plot for [i=1:columns] data using 1:(column(i + 1)) with lines lw 2 \
       lc rgb layout_color(word(layouts, i)) dt layout_dash(word(layouts, i)) title word(layouts, i), \
     for [i=1:columns] measured using 2:(strcol(1) eq word(layouts, i) ? $3 : NaN) skip 1 with points \
       pt 7 ps 1.3 lc rgb layout_color(word(layouts, i)) notitle, \
     NaN with points pt 7 ps 1.3 lc rgb "#444444" title "measured (the file's presences)"
