# The record's slots structs drawn field by field: one row per struct
# (declared order, and packed by alignment), a box per field from its offset
# over its size, its name on it (but on 1-byte fields: no room), and the
# padding holes hatched.
# Variables: data   record-struct-NAME.csv: struct,field,offset,size,padding_before
#            name, out, subtitle (see style.gp)
set datafile separator ","
if (!exists("W")) W = 1100
if (!exists("H")) H = 420
load dir."style.gp"
set title sprintf("%s: its C structs, field by field (offsets as the compiler lays them out)\n%s", name, subtitle)
set xlabel "byte offset"
set yrange [-0.6:2.1]
set ytics ("slots (declared order)" 0, "slots_packed (by alignment)" 1)
set grid xtics
set key top right horizontal
row(s) = s eq "slots" ? 0 : 1
plot data using ($3 + $4 / 2.0):(row(strcol(1))):($4 / 2.0):(0.3) skip 1 with boxxyerror \
       fs solid 0.35 lc rgb "#0072B2" title "a field", \
     '' using ($3 - $5 / 2.0):($5 > 0 ? row(strcol(1)) : NaN):($5 / 2.0):(0.3) skip 1 with boxxyerror \
       fs pattern 4 lc rgb "#D55E00" title "padding", \
     '' using ($3 + $4 / 2.0):(row(strcol(1))):(strcol(2) eq "(end)" || $4 < 2 ? "" : strcol(2)) skip 1 \
       with labels rotate by 90 font ",8" notitle
