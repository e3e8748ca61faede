// iperf3 3.12's TCP `--json` output and its refusals of bad flags, captured like
// Iperf3Fixtures (loopback inside `unshare -n`, 1-second runs). Usage texts are cut after
// their first lines; everything else is verbatim.
extension Iperf3Fixtures {
    /// `iperf3 -c 127.0.0.1 -l 1448 -t 1 --json`
    static let tcp = #"""
{
	"start":	{
		"connected":	[{
				"socket":	5,
				"local_host":	"127.0.0.1",
				"local_port":	54078,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:44:04 GMT",
			"timesecs":	1796186644
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"eyc4peg2hls3kbfgh3jtkfxgwtlbkqptbt4c",
		"tcp_mss_default":	32768,
		"target_bitrate":	0,
		"sock_bufsize":	0,
		"sndbuf_actual":	16384,
		"rcvbuf_actual":	131072,
		"test_start":	{
			"protocol":	"TCP",
			"num_streams":	1,
			"blksize":	1448,
			"omit":	0,
			"duration":	1,
			"bytes":	0,
			"blocks":	0,
			"reverse":	0,
			"tos":	0,
			"target_bitrate":	0
		}
	},
	"intervals":	[{
			"streams":	[{
					"socket":	5,
					"start":	0,
					"end":	1.000109,
					"seconds":	1.0001089572906494,
					"bytes":	519846480,
					"bits_per_second":	4158318760.8541608,
					"retransmits":	0,
					"snd_cwnd":	916762,
					"snd_wnd":	0,
					"rtt":	64,
					"rttvar":	9,
					"pmtu":	65535,
					"omitted":	false,
					"sender":	true
				}],
			"sum":	{
				"start":	0,
				"end":	1.000109,
				"seconds":	1.0001089572906494,
				"bytes":	519846480,
				"bits_per_second":	4158318760.8541608,
				"retransmits":	0,
				"omitted":	false,
				"sender":	true
			}
		}],
	"end":	{
		"streams":	[{
				"sender":	{
					"socket":	5,
					"start":	0,
					"end":	1.000109,
					"seconds":	1.000109,
					"bytes":	519846480,
					"bits_per_second":	4158318583.2744236,
					"retransmits":	0,
					"max_snd_cwnd":	916762,
					"max_snd_wnd":	0,
					"max_rtt":	64,
					"min_rtt":	64,
					"mean_rtt":	64,
					"sender":	true
				},
				"receiver":	{
					"socket":	5,
					"start":	0,
					"end":	1.000228,
					"seconds":	1.000109,
					"bytes":	516998264,
					"bits_per_second":	4135043322.1225567,
					"sender":	true
				}
			}],
		"sum_sent":	{
			"start":	0,
			"end":	1.000109,
			"seconds":	1.000109,
			"bytes":	519846480,
			"bits_per_second":	4158318583.2744236,
			"retransmits":	0,
			"sender":	true
		},
		"sum_received":	{
			"start":	0,
			"end":	1.000228,
			"seconds":	1.000228,
			"bytes":	516998264,
			"bits_per_second":	4135043322.1225567,
			"sender":	true
		},
		"cpu_utilization_percent":	{
			"host_total":	42.874511237784688,
			"host_user":	3.1936127744510974,
			"host_system":	39.6808984633336,
			"remote_total":	99.187894905222748,
			"remote_user":	13.535751419659281,
			"remote_system":	85.652143485563471
		},
		"sender_tcp_congestion":	"bbr",
		"receiver_tcp_congestion":	"bbr"
	}
}
"""#

    /// `iperf3 -c 127.0.0.1 -l 1448 -t 1 -R --json`
    static let tcpReverse = #"""
{
	"start":	{
		"connected":	[{
				"socket":	5,
				"local_host":	"127.0.0.1",
				"local_port":	54110,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:44:07 GMT",
			"timesecs":	1796186647
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"t4z7uin35b6xnzvgpgti5kdw4zaddrur5njw",
		"tcp_mss_default":	32768,
		"target_bitrate":	0,
		"sock_bufsize":	0,
		"sndbuf_actual":	16384,
		"rcvbuf_actual":	131072,
		"test_start":	{
			"protocol":	"TCP",
			"num_streams":	1,
			"blksize":	1448,
			"omit":	0,
			"duration":	1,
			"bytes":	0,
			"blocks":	0,
			"reverse":	1,
			"tos":	0,
			"target_bitrate":	0
		}
	},
	"intervals":	[{
			"streams":	[{
					"socket":	5,
					"start":	0,
					"end":	1.000014,
					"seconds":	1.0000139474868774,
					"bytes":	488722832,
					"bits_per_second":	3909728125.11828,
					"omitted":	false,
					"sender":	false
				}],
			"sum":	{
				"start":	0,
				"end":	1.000014,
				"seconds":	1.0000139474868774,
				"bytes":	488722832,
				"bits_per_second":	3909728125.11828,
				"omitted":	false,
				"sender":	false
			}
		}],
	"end":	{
		"streams":	[{
				"sender":	{
					"socket":	5,
					"start":	0,
					"end":	1.00084,
					"seconds":	1.00084,
					"bytes":	491596000,
					"bits_per_second":	3929467247.51209,
					"retransmits":	0,
					"max_snd_cwnd":	0,
					"max_snd_wnd":	0,
					"max_rtt":	0,
					"min_rtt":	0,
					"mean_rtt":	0,
					"sender":	false
				},
				"receiver":	{
					"socket":	5,
					"start":	0,
					"end":	1.000014,
					"seconds":	1.000014,
					"bytes":	488722832,
					"bits_per_second":	3909727919.809123,
					"sender":	false
				}
			}],
		"sum_sent":	{
			"start":	0,
			"end":	1.00084,
			"seconds":	1.00084,
			"bytes":	491596000,
			"bits_per_second":	3929467247.51209,
			"retransmits":	0,
			"sender":	false
		},
		"sum_received":	{
			"start":	0,
			"end":	1.000014,
			"seconds":	1.000014,
			"bytes":	488722832,
			"bits_per_second":	3909727919.809123,
			"sender":	false
		},
		"cpu_utilization_percent":	{
			"host_total":	98.538362250974046,
			"host_user":	7.66007189396987,
			"host_system":	90.877990881983877,
			"remote_total":	48.253935900548633,
			"remote_user":	5.65548718040947,
			"remote_system":	42.598248890194448
		},
		"sender_tcp_congestion":	"bbr",
		"receiver_tcp_congestion":	"bbr"
	}
}
"""#

    /// `iperf3 -c 127.0.0.1 -l 1448 -t 1 --bidir --json`
    static let tcpBidir = #"""
{
	"start":	{
		"connected":	[{
				"socket":	5,
				"local_host":	"127.0.0.1",
				"local_port":	54126,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}, {
				"socket":	7,
				"local_host":	"127.0.0.1",
				"local_port":	54128,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:44:08 GMT",
			"timesecs":	1796186648
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"6upubugrrvqhyvstfbrzdis5nvmltht4iqjk",
		"tcp_mss_default":	32768,
		"target_bitrate":	0,
		"sock_bufsize":	0,
		"sndbuf_actual":	16384,
		"rcvbuf_actual":	131072,
		"sock_bufsize":	0,
		"sndbuf_actual":	16384,
		"rcvbuf_actual":	131072,
		"test_start":	{
			"protocol":	"TCP",
			"num_streams":	1,
			"blksize":	1448,
			"omit":	0,
			"duration":	1,
			"bytes":	0,
			"blocks":	0,
			"reverse":	0,
			"tos":	0,
			"target_bitrate":	0
		}
	},
	"intervals":	[{
			"streams":	[{
					"socket":	5,
					"start":	0,
					"end":	1.000019,
					"seconds":	1.0000189542770386,
					"bytes":	400038960,
					"bits_per_second":	3200251021.5555444,
					"retransmits":	0,
					"snd_cwnd":	1047728,
					"snd_wnd":	10240,
					"rtt":	85,
					"rttvar":	20,
					"pmtu":	65535,
					"omitted":	false,
					"sender":	true
				}, {
					"socket":	7,
					"start":	0,
					"end":	1.000027,
					"seconds":	1.0000269412994385,
					"bytes":	406633152,
					"bits_per_second":	3252977576.5570436,
					"omitted":	false,
					"sender":	false
				}],
			"sum":	{
				"start":	0,
				"end":	1.000019,
				"seconds":	1.0000189542770386,
				"bytes":	400038960,
				"bits_per_second":	3200251021.5555444,
				"retransmits":	0,
				"omitted":	false,
				"sender":	true
			},
			"sum_bidir_reverse":	{
				"start":	0,
				"end":	1.000019,
				"seconds":	1.0000189542770386,
				"bytes":	406633152,
				"bits_per_second":	3253003557.66936,
				"omitted":	false,
				"sender":	false
			}
		}],
	"end":	{
		"streams":	[{
				"sender":	{
					"socket":	5,
					"start":	0,
					"end":	1.000019,
					"seconds":	1.000019,
					"bytes":	400038960,
					"bits_per_second":	3200250875.2333708,
					"retransmits":	0,
					"max_snd_cwnd":	1047728,
					"max_snd_wnd":	10240,
					"max_rtt":	85,
					"min_rtt":	85,
					"mean_rtt":	85,
					"sender":	true
				},
				"receiver":	{
					"socket":	5,
					"start":	0,
					"end":	1.001873,
					"seconds":	1.000019,
					"bytes":	395476312,
					"bits_per_second":	3157895757.2466769,
					"sender":	true
				}
			}, {
				"sender":	{
					"socket":	7,
					"start":	0,
					"end":	1.000019,
					"seconds":	1.000019,
					"bytes":	409523360,
					"bits_per_second":	3276124633.6319609,
					"retransmits":	0,
					"max_snd_cwnd":	360448,
					"max_snd_wnd":	65536,
					"max_rtt":	9,
					"min_rtt":	9,
					"mean_rtt":	9,
					"sender":	false
				},
				"receiver":	{
					"socket":	7,
					"start":	0,
					"end":	1.001873,
					"seconds":	1.000019,
					"bytes":	406633152,
					"bits_per_second":	3246983615.6878166,
					"sender":	false
				}
			}],
		"sum_sent":	{
			"start":	0,
			"end":	1.000019,
			"seconds":	1.000019,
			"bytes":	400038960,
			"bits_per_second":	3200250875.2333708,
			"retransmits":	0,
			"sender":	true
		},
		"sum_received":	{
			"start":	0,
			"end":	1.001873,
			"seconds":	1.001873,
			"bytes":	395476312,
			"bits_per_second":	3157895757.2466769,
			"sender":	true
		},
		"sum_sent_bidir_reverse":	{
			"start":	0,
			"end":	1.000019,
			"seconds":	1.000019,
			"bytes":	409523360,
			"bits_per_second":	3276124633.6319609,
			"retransmits":	0,
			"sender":	false
		},
		"sum_received_bidir_reverse":	{
			"start":	0,
			"end":	1.001873,
			"seconds":	1.001873,
			"bytes":	406633152,
			"bits_per_second":	3246983615.6878166,
			"sender":	false
		},
		"cpu_utilization_percent":	{
			"host_total":	98.1937579802497,
			"host_user":	11.369733531643986,
			"host_system":	86.8240244486057,
			"remote_total":	99.233354326841976,
			"remote_user":	10.286785967020561,
			"remote_system":	88.946568359821427
		},
		"sender_tcp_congestion":	"bbr",
		"receiver_tcp_congestion":	"bbr"
	}
}
"""#

    /// `iperf3 -c 127.0.0.1 --bogus`: exit 1, all on stderr.
    static let unknownOptionStderr = #"""
iperf3: unrecognized option '--bogus'
Usage: iperf3 [-s|-c host] [options]
       iperf3 [-h|--help] [-v|--version]
"""#

    /// `iperf3 -c 127.0.0.1 --bidir -R --json`: exit 1, usage on stdout, the reason on stderr.
    static let parameterErrorStdout = #"""
Usage: iperf3 [-s|-c host] [options]
       iperf3 [-h|--help] [-v|--version]

Server or Client:
"""#
    static let parameterErrorStderr = #"""
iperf3: parameter error - cannot be both reverse and bidirectional
"""#

    /// `iperf3 -c 127.0.0.1 -t 1 --json -C bogus`: exit 0, the socket option's failure in "error".
    static let congestionControlRefused = #"""
{
	"start":	{
		"connected":	[],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:56:42 GMT",
			"timesecs":	1796187402
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"b2zncyivuwowsugggaxbbwtjzbsnf2o52iyg",
		"tcp_mss_default":	32768,
		"target_bitrate":	0,
		"sock_bufsize":	0,
		"sndbuf_actual":	16384,
		"rcvbuf_actual":	131072
	},
	"intervals":	[],
	"end":	{
	},
	"error":	"unable to set TCP_CONGESTION: Supplied congestion control algorithm not supported on this host"
}
"""#
}
