# Figure 5(c) in full: the ping round-trip time distribution of each scenario, every echo of every
# repetition pooled in one HdrHistogram. (a) the CDF; (b) the tail, percentiles on a log scale
# (each grid line one more nine). Diamonds, in each scenario's colour: the paper's RTT (an
# average; the paper gives no distribution), drawn at the median line for reference only.
# Usage: gnuplot -e "dir='Results/latest'" plots/fig5_latency_cdf.gp   (writes fig5_latency_cdf.png/svg)
if (!exists("dir")) dir = "."
load dir."/plotdata/vars.gp"
if (!exists("fig5_ncdf")) fig5_ncdf = 0
set datafile missing "?"
cdf = dir."/plotdata/fig5_latency_cdf.dat"
paper = dir."/plotdata/fig5_latency_cdf_paper.dat"
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) { set terminal pngcairo size 1400,520 noenhanced font "sans,10" } else { set terminal png size 1400,520 noenhanced }
    } else { set terminal svg size 1400,520 dynamic noenhanced font "sans,11" }
    set output dir."/fig5_latency_cdf.".fmt
    set multiplot layout 1,2 title "Figure 5(c) distributions: ping round-trip time, every echo of every repetition (HdrHistogram)"
    set grid xtics ytics mxtics
    set key bottom right
    set xlabel "round-trip time (ms, log scale)"
    set logscale x
    if (fig5_ncdf > 0) {
        set title "(a) CDF"
        set ylabel "fraction of echoes at or below"
        set yrange [0:1.02]
        plot for [i=0:fig5_ncdf-1] cdf index i using 1:2 with steps lw 2 title word(fig5_cdf_scenarios, i+1), \
             paper using 3:4:($1+1) with points pt 13 ps 1.8 lc variable title "paper (average RTT; the scenario's colour)"
        set title "(b) tail"
        set ylabel "percentile"
        set logscale y
        set yrange [1:*]
        set ytics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000)
        set key top left
        plot for [i=0:fig5_ncdf-1] cdf index i using 1:3 with steps lw 2 title word(fig5_cdf_scenarios, i+1)
        unset logscale y
        set ytics autofreq
    } else {
        set title "(a) CDF"
        set label 1 "no fig5 latency data" at graph 0.3,0.5
        unset logscale x
        set xrange [0:1]; set yrange [0:1]
        plot -1 notitle
        unset label 1
        set xrange [*:*]
    }
    unset logscale x
    unset multiplot
    set output
}
