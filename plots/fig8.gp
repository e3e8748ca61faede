# Figure 8: vwifi host CPU with each optimization, with interrupt rates on the right axis.
# Usage: gnuplot -e "dir='Results/latest'" plots/fig8.gp   (writes fig8.png and fig8.svg in dir)
if (!exists("dir")) dir = "."
load dir."/plotdata/vars.gp"
set datafile missing "?"
f = dir."/plotdata/fig8_optimizations.dat"
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) { set terminal pngcairo size 900,540 noenhanced font "sans,10" } else { set terminal png size 900,540 noenhanced }
    } else { set terminal svg size 900,540 dynamic noenhanced font "sans,11" }
    set output dir."/fig8.".fmt
    set title "Figure 8: vwifi CPU use per optimization (median, 95% CI; diamonds = paper)"
    set style fill solid 0.75 border -1
    set boxwidth 0.5
    set grid ytics
    set xtics scale 0
    set ylabel "host CPU (% of one core)"
    set y2label "interrupts per second"
    set ytics nomirror
    set y2tics
    set yrange [0:*]
    set y2range [0:*]
    set key outside bottom center horizontal
    if (fig8_nconfigurations > 0) {
        set xrange [-0.6:fig8_nconfigurations - 0.4]
        plot f using 1:3 with boxes lc rgb "#4472c4" title "host CPU", \
             f using 1:3:4:5 with yerrorbars lc black pt 0 notitle, \
             f using 1:6 with points pt 13 ps 2 lc black title "paper CPU", \
             f using 1:7 axes x1y2 with points pt 7 ps 1.3 lc rgb "#c00000" title "virtual interrupts/s", \
             f using 1:8 axes x1y2 with points pt 5 ps 1.1 lc rgb "#7f7f7f" title "physical interrupts/s", \
             paper_interrupts_per_s axes x1y2 with lines dt 3 lc rgb "#c00000" title "paper ~1900 interrupts/s (none)", \
             f using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no fig8 data" at graph 0.4,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    set output
}
