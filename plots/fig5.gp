# Figure 5: (a) UDP goodput TX/RX per scenario, (b) TCP goodput TX/RX (real iperf3 through each
# path), (c) ping round-trip time.
# Usage: gnuplot -e "dir='Results/latest'" plots/fig5.gp   (writes fig5.png and fig5.svg in dir)
# Data: dir/plotdata/*.dat, written by `vwifi-bench plot` from the CSVs. Black diamonds: the paper.
if (!exists("dir")) dir = "."
load dir."/plotdata/vars.gp"
# plotdata written before Figure 5(b) existed has no fig5_ntcp: draw (b) empty, not fail.
if (!exists("fig5_ntcp")) fig5_ntcp = 0
set datafile missing "?"
thr = dir."/plotdata/fig5_throughput.dat"
tcp = dir."/plotdata/fig5_tcp_throughput.dat"
lat = dir."/plotdata/fig5_latency.dat"
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) { set terminal pngcairo size 1700,520 noenhanced font "sans,10" } else { set terminal png size 1700,520 noenhanced }
    } else { set terminal svg size 1700,520 dynamic noenhanced font "sans,11" }
    set output dir."/fig5.".fmt
    set multiplot layout 1,3 title "Figure 5: end-to-end performance (measured medians, 95% CI; diamonds = paper)"
    set style fill solid 0.75 border -1
    set grid ytics
    set key outside bottom center horizontal
    set xtics scale 0
    set boxwidth 0.34
    set title "(a) UDP goodput"
    set ylabel "goodput (Mbps)"
    set yrange [0:*]
    if (fig5_nthroughput > 0) {
        set xrange [-0.6:fig5_nthroughput - 0.4]
        plot thr using ($1-0.18):3 with boxes lc rgb "#4472c4" title "TX", \
             thr using ($1+0.18):6 with boxes lc rgb "#ed7d31" title "RX", \
             thr using ($1-0.18):3:4:5 with yerrorbars lc black pt 0 notitle, \
             thr using ($1+0.18):6:7:8 with yerrorbars lc black pt 0 notitle, \
             thr using ($1-0.18):9 with points pt 13 ps 1.6 lc black title "paper (~22 TX / ~18 RX)", \
             thr using ($1+0.18):10 with points pt 13 ps 1.6 lc black notitle, \
             thr using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no fig5 throughput data" at graph 0.3,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    set title "(b) TCP goodput (iperf3)"
    set yrange [0:*]
    # Bars and paper marks all near 20 would put the marks on the frame: leave room above.
    set offsets 0, 0, graph 0.1, 0
    if (fig5_ntcp > 0) {
        set xrange [-0.6:fig5_ntcp - 0.4]
        plot tcp using ($1-0.18):3 with boxes lc rgb "#4472c4" title "TX", \
             tcp using ($1+0.18):6 with boxes lc rgb "#ed7d31" title "RX", \
             tcp using ($1-0.18):3:4:5 with yerrorbars lc black pt 0 notitle, \
             tcp using ($1+0.18):6:7:8 with yerrorbars lc black pt 0 notitle, \
             tcp using ($1-0.18):9 with points pt 13 ps 1.6 lc black title "paper (~20 TX / ~20 RX)", \
             tcp using ($1+0.18):10 with points pt 13 ps 1.6 lc black notitle, \
             tcp using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no fig5 TCP throughput data" at graph 0.25,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    set offsets 0, 0, 0, 0
    set title "(c) ping round-trip time"
    set ylabel "RTT (ms)"
    set yrange [0:*]
    set boxwidth 0.5
    if (fig5_nlatency > 0) {
        set xrange [-0.6:fig5_nlatency - 0.4]
        plot lat using 1:3 with boxes lc rgb "#70ad47" title "median RTT", \
             lat using 1:3:4:5 with yerrorbars lc black pt 0 notitle, \
             lat using 1:6 with points pt 2 ps 1.2 lc rgb "#7f7f7f" title "p99", \
             lat using 1:7 with points pt 13 ps 1.6 lc black title "paper", \
             lat using 1:(1/0):xtic(2) notitle
    } else { set label 1 "no fig5 latency data" at graph 0.3,0.5; set xrange [0:1]; set yrange [0:1]; plot -1 notitle; unset label 1 }
    unset multiplot
    set output
}
