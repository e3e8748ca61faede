# Figure 6: the vwifi TX virtualization extra path, stage cycles stacked, software vs IOMMU.
# Usage: gnuplot -e "dir='Results/latest'" plots/fig6.gp   (writes fig6.png and fig6.svg in dir)
if (!exists("dir")) dir = "."
load dir."/plotdata/vars.gp"
set datafile missing "?"
f = dir."/plotdata/fig6_extra_path.dat"
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) { set terminal pngcairo size 800,560 noenhanced font "sans,10" } else { set terminal png size 800,560 noenhanced }
    } else { set terminal svg size 800,560 dynamic noenhanced font "sans,11" }
    set output dir."/fig6.".fmt
    set title "Figure 6: TX extra path per packet, stage medians stacked (diamond = paper's ~60,000 cycles)"
    set style fill solid 0.8 border -1
    set boxwidth 0.5
    set grid ytics
    set xtics scale 0
    set ylabel "cycles per packet (TSC)"
    set yrange [0:*]
    set key outside bottom center horizontal maxrows 2
    if (fig6_ntranslations > 0 && fig6_nstages > 0) {
        set xrange [-0.6:fig6_ntranslations - 0.4]
        # Cumulative columns, drawn from the top stage down so each box shows its own stage.
        plot for [i=fig6_nstages:1:-1] f using 1:(column(2+i)) with boxes lt i title word(fig6_stages, i), \
             f using 1:(column(3+fig6_nstages)) with points pt 13 ps 2 lc black title "paper total (software)", \
             f using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no fig6 data" at graph 0.4,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    set output
}
