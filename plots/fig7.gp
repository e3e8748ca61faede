# Figure 7: host CPU by component per scenario (stacked); the device is a hardware stand-in,
# drawn apart and never stacked into host CPU. The harness row (the measuring instrument) is
# not in fig7_cpu.dat at all: Plotter leaves it out, it stays in fig7.csv.
# Usage: gnuplot -e "dir='Results/latest'" plots/fig7.gp   (writes fig7.png and fig7.svg in dir)
if (!exists("dir")) dir = "."
load dir."/plotdata/vars.gp"
set datafile missing "?"
f = dir."/plotdata/fig7_cpu.dat"
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) { set terminal pngcairo size 1000,560 noenhanced font "sans,10" } else { set terminal png size 1000,560 noenhanced }
    } else { set terminal svg size 1000,560 dynamic noenhanced font "sans,11" }
    set output dir."/fig7.".fmt
    set title "Figure 7: CPU use by component, percent of one core (diamonds = paper's totals)"
    set style fill solid 0.8 border -1
    set grid ytics
    set xtics scale 0
    set ylabel "CPU (% of one core)"
    set yrange [0:*]
    set key outside bottom center horizontal maxrows 2
    if (fig7_nscenarios > 0) {
        set xrange [-0.6:fig7_nscenarios - 0.4]
        set boxwidth 0.45
        plot for [i=fig7_ncomponents:1:-1] f using ($1-0.12):(column(2+i)) with boxes lt i title word(fig7_components, i), \
             f using ($1+0.3):(column(3+fig7_ncomponents)):(0.14) with boxes fs pattern 4 border lc rgb "#555555" lc rgb "#555555" title "device (hardware stand-in, not host CPU)", \
             f using ($1-0.12):(column(4+fig7_ncomponents)) with points pt 13 ps 2 lc black title "paper total", \
             f using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no fig7 data" at graph 0.4,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    set output
}
