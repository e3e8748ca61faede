# Table 1 as a chart: percent of total time per category (summed over components) for vwifi,
# passthrough and native; markers show the paper's KVM + host-kernel values.
# Usage: gnuplot -e "dir='Results/latest'" plots/table1.gp   (writes table1.png and table1.svg in dir)
if (!exists("dir")) dir = "."
load dir."/plotdata/vars.gp"
set datafile missing "?"
f = dir."/plotdata/table1_time.dat"
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) { set terminal pngcairo size 1200,560 noenhanced font "sans,10" } else { set terminal png size 1200,560 noenhanced }
    } else { set terminal svg size 1200,560 dynamic noenhanced font "sans,11" }
    set output dir."/table1.".fmt
    set title "Table 1: where hypervisor and host time goes (percent of total time; markers = paper)"
    set style fill solid 0.75 border -1
    set boxwidth 0.26
    set grid ytics
    set xtics scale 0 rotate by -30
    set ylabel "percent of total time"
    set yrange [0:*]
    set key outside bottom center horizontal
    if (table1_ncategories > 0) {
        set xrange [-0.6:table1_ncategories - 0.4]
        plot f using ($1-0.28):3 with boxes lc rgb "#c00000" title "vwifi", \
             f using 1:4 with boxes lc rgb "#4472c4" title "passthrough", \
             f using ($1+0.28):5 with boxes lc rgb "#70ad47" title "native", \
             f using ($1-0.28):6 with points pt 13 ps 1.4 lc black title "paper", \
             f using 1:7 with points pt 13 ps 1.4 lc black notitle, \
             f using ($1+0.28):8 with points pt 13 ps 1.4 lc black notitle, \
             f using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no table1 data" at graph 0.4,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    set output
}
