# What every chart shares, loaded first by each script: the terminal (from
# the output's extension) and one colour-blind-safe palette whose colours
# mean the same thing in every chart.
#   layouts      a fixed hue each (Okabe-Ito), by position in `layouts` (the
#                order plot-all passes, the results tables' order); a CPython
#                reference layout py_X takes X's hue, dashed, and its
#                _materialized variant dotted
#   allocators   never a colour: a fill density (bars) — jemalloc solid,
#                glibc 60 %, mimalloc 30 %, cpython 12 %
#   scenario variants (lazy, chunked) and measures: Tol's muted palette;
#   breakdown components: Tol's light palette; neither uses a layout hue
# Variables: out (.png or .svg), W and H (pixels; defaults 900 x 560),
#            svgname (the SVG's id; plot-all sets its <title> afterwards)
if (!exists("W")) W = 900
if (!exists("H")) H = 560
if (!exists("svgname")) svgname = "antmem"
if (out[strlen(out)-3:] eq ".svg") {
  set terminal svg size W,H dynamic font "sans,12" background rgb "white" name svgname
} else {
  set terminal pngcairo size W,H font "sans,11"
}
set output out
set termoption noenhanced  # names as written: shared_dict, not shared + subscript d

okabe_ito = "#0072B2 #E69F00 #009E73 #CC79A7 #D55E00 #56B4E9 #F0E442 #000000"
tol_muted = "#332288 #117733 #44AA99 #88CCEE #882255 #CC6677 #AA4499 #999933 #DDCC77"
tol_light = "#77AADD #99DDFF #44BB99 #BBCC33 #AAAA00 #EEDD88 #EE8866 #FFAABB #DDDDDD"
if (!exists("layouts")) layouts = ""

index_of(w, list) = sum [i=1:words(list)] (word(list, i) eq w ? i : 0)
# py_dict_materialized -> dict, py_slots -> slots, dict -> dict
base_layout(l) = (l[1:3] eq "py_" ? \
  (strstrt(l, "_materialized") ? l[4:strstrt(l, "_materialized") - 1] : l[4:]) : l)
layout_color(l) = word(okabe_ito, (index_of(base_layout(l), layouts) + 7) % 8 + 1)
layout_dash(l) = l[1:3] ne "py_" ? 1 : strstrt(l, "_materialized") ? 3 : 2
muted(i) = word(tol_muted, (i - 1) % 9 + 1)
light(i) = word(tol_light, (i - 1) % 9 + 1)

# an allocator's fill density (fs solid): darkest for the suite's default
alloc_density(a) = a eq "jemalloc" ? 1.0 : a eq "glibc" ? 0.6 : a eq "mimalloc" ? 0.3 : 0.12

set grid ytics xtics lc rgb "#dddddd"
set key box opaque
