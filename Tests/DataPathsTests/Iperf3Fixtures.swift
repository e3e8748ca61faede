// iperf3 3.12's own `--json` output, captured on this machine inside `unshare -n` over
// loopback only (server `iperf3 -s -B 127.0.0.1 -1 -D`, 1-second runs, so `intervals` has one
// entry). Verbatim: only the address differs from a real run's 198.18.0.2.
enum Iperf3Fixtures {
    /// `iperf3 -c 127.0.0.1 -u -l 1450 -b 10M -t 1 --json`
    static let udp = #"""
{
	"start":	{
		"connected":	[{
				"socket":	5,
				"local_host":	"127.0.0.1",
				"local_port":	52405,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:44:03 GMT",
			"timesecs":	1796186643
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"bb4dmjw4bd3gpp4aewtnmbwqvtnjkto57jwa",
		"target_bitrate":	10000000,
		"sock_bufsize":	0,
		"sndbuf_actual":	212992,
		"rcvbuf_actual":	212992,
		"test_start":	{
			"protocol":	"UDP",
			"num_streams":	1,
			"blksize":	1450,
			"omit":	0,
			"duration":	1,
			"bytes":	0,
			"blocks":	0,
			"reverse":	0,
			"tos":	0,
			"target_bitrate":	10000000
		}
	},
	"intervals":	[{
			"streams":	[{
					"socket":	5,
					"start":	0,
					"end":	1.000228,
					"seconds":	1.0002280473709106,
					"bytes":	1249900,
					"bits_per_second":	9996920.22862466,
					"packets":	862,
					"omitted":	false,
					"sender":	true
				}],
			"sum":	{
				"start":	0,
				"end":	1.000228,
				"seconds":	1.0002280473709106,
				"bytes":	1249900,
				"bits_per_second":	9996920.22862466,
				"packets":	862,
				"omitted":	false,
				"sender":	true
			}
		}],
	"end":	{
		"streams":	[{
				"udp":	{
					"socket":	5,
					"start":	0,
					"end":	1.000228,
					"seconds":	1.000228,
					"bytes":	1249900,
					"bits_per_second":	9996920.70207993,
					"jitter_ms":	0.024022786582588506,
					"lost_packets":	0,
					"packets":	862,
					"lost_percent":	0,
					"out_of_order":	0,
					"sender":	true
				}
			}],
		"sum":	{
			"start":	0,
			"end":	1.001483,
			"seconds":	1.001483,
			"bytes":	1249900,
			"bits_per_second":	9996920.70207993,
			"jitter_ms":	0.024022786582588506,
			"lost_packets":	0,
			"packets":	862,
			"lost_percent":	0,
			"sender":	true
		},
		"sum_sent":	{
			"start":	0,
			"end":	1.000228,
			"seconds":	1.000228,
			"bytes":	1249900,
			"bits_per_second":	9996920.70207993,
			"jitter_ms":	0,
			"lost_packets":	0,
			"packets":	862,
			"lost_percent":	0,
			"sender":	true
		},
		"sum_received":	{
			"start":	0,
			"end":	1.001483,
			"seconds":	1.001483,
			"bytes":	1249900,
			"bits_per_second":	9984393.1449660156,
			"jitter_ms":	0.024022786582588506,
			"lost_packets":	0,
			"packets":	862,
			"lost_percent":	0,
			"sender":	false
		},
		"cpu_utilization_percent":	{
			"host_total":	5.50007782846606,
			"host_user":	0,
			"host_system":	5.5001776085507537,
			"remote_total":	0.9899240232812877,
			"remote_user":	0.99002387440326467,
			"remote_system":	0
		}
	}
}
"""#

    /// `iperf3 -c 127.0.0.1 -u -l 1450 -b 10M -t 1 -R --json`
    static let udpReverse = #"""
{
	"start":	{
		"connected":	[{
				"socket":	5,
				"local_host":	"127.0.0.1",
				"local_port":	41532,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:44:05 GMT",
			"timesecs":	1796186645
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"4rm5eccajrkumht6eejyfifg32yq5kotsh3q",
		"target_bitrate":	10000000,
		"sock_bufsize":	0,
		"sndbuf_actual":	212992,
		"rcvbuf_actual":	212992,
		"test_start":	{
			"protocol":	"UDP",
			"num_streams":	1,
			"blksize":	1450,
			"omit":	0,
			"duration":	1,
			"bytes":	0,
			"blocks":	0,
			"reverse":	1,
			"tos":	0,
			"target_bitrate":	10000000
		}
	},
	"intervals":	[{
			"streams":	[{
					"socket":	5,
					"start":	0,
					"end":	1.000143,
					"seconds":	1.0001430511474609,
					"bytes":	1251350,
					"bits_per_second":	10009368.148401013,
					"jitter_ms":	0.015429282091065331,
					"lost_packets":	0,
					"packets":	863,
					"lost_percent":	0,
					"omitted":	false,
					"sender":	false
				}],
			"sum":	{
				"start":	0,
				"end":	1.000143,
				"seconds":	1.0001430511474609,
				"bytes":	1251350,
				"bits_per_second":	10009368.148401013,
				"jitter_ms":	0.015429282091065331,
				"lost_packets":	0,
				"packets":	863,
				"lost_percent":	0,
				"omitted":	false,
				"sender":	false
			}
		}],
	"end":	{
		"streams":	[{
				"udp":	{
					"socket":	5,
					"start":	0,
					"end":	1.000186,
					"seconds":	1.000186,
					"bytes":	1251350,
					"bits_per_second":	10008938.337469231,
					"jitter_ms":	0.015429282091065331,
					"lost_packets":	0,
					"packets":	863,
					"lost_percent":	0,
					"out_of_order":	0,
					"sender":	false
				}
			}],
		"sum":	{
			"start":	0,
			"end":	1.000143,
			"seconds":	1.000143,
			"bytes":	1251350,
			"bits_per_second":	10008938.337469231,
			"jitter_ms":	0.015429282091065331,
			"lost_packets":	0,
			"packets":	863,
			"lost_percent":	0,
			"sender":	false
		},
		"sum_sent":	{
			"start":	0,
			"end":	1.000186,
			"seconds":	1.000186,
			"bytes":	1251350,
			"bits_per_second":	10008938.337469231,
			"jitter_ms":	0,
			"lost_packets":	0,
			"packets":	863,
			"lost_percent":	0,
			"sender":	true
		},
		"sum_received":	{
			"start":	0,
			"end":	1.000143,
			"seconds":	1.000143,
			"bytes":	1251350,
			"bits_per_second":	10009368.66028158,
			"jitter_ms":	0.015429282091065331,
			"lost_packets":	0,
			"packets":	863,
			"lost_percent":	0,
			"sender":	false
		},
		"cpu_utilization_percent":	{
			"host_total":	0.79113892435477073,
			"host_user":	0.79113892435477073,
			"host_system":	0,
			"remote_total":	3.940344945146903,
			"remote_user":	3.940344945146903,
			"remote_system":	0
		}
	}
}
"""#

    /// `iperf3 -c 127.0.0.1 -u -l 1450 -b 10M -t 1 --bidir --json`
    static let udpBidir = #"""
{
	"start":	{
		"connected":	[{
				"socket":	5,
				"local_host":	"127.0.0.1",
				"local_port":	39125,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}, {
				"socket":	7,
				"local_host":	"127.0.0.1",
				"local_port":	33304,
				"remote_host":	"127.0.0.1",
				"remote_port":	5201
			}],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64",
		"timestamp":	{
			"time":	"Wed, 02 Dec 2026 04:44:09 GMT",
			"timesecs":	1796186649
		},
		"connecting_to":	{
			"host":	"127.0.0.1",
			"port":	5201
		},
		"cookie":	"afozs6yut3zs2v6fwk66572yvoa5kavpepuy",
		"target_bitrate":	10000000,
		"sock_bufsize":	0,
		"sndbuf_actual":	212992,
		"rcvbuf_actual":	212992,
		"sock_bufsize":	0,
		"sndbuf_actual":	212992,
		"rcvbuf_actual":	212992,
		"test_start":	{
			"protocol":	"UDP",
			"num_streams":	1,
			"blksize":	1450,
			"omit":	0,
			"duration":	1,
			"bytes":	0,
			"blocks":	0,
			"reverse":	0,
			"tos":	0,
			"target_bitrate":	10000000
		}
	},
	"intervals":	[{
			"streams":	[{
					"socket":	5,
					"start":	0,
					"end":	1.00013,
					"seconds":	1.0001300573349,
					"bytes":	1249900,
					"bits_per_second":	9997899.6998104453,
					"packets":	862,
					"omitted":	false,
					"sender":	true
				}, {
					"socket":	7,
					"start":	0,
					"end":	1.000132,
					"seconds":	1.0001319646835327,
					"bytes":	1251350,
					"bits_per_second":	10009479.102257943,
					"jitter_ms":	0.011950775373709333,
					"lost_packets":	0,
					"packets":	863,
					"lost_percent":	0,
					"omitted":	false,
					"sender":	false
				}],
			"sum":	{
				"start":	0,
				"end":	1.00013,
				"seconds":	1.0001300573349,
				"bytes":	1249900,
				"bits_per_second":	9997899.6998104453,
				"packets":	862,
				"omitted":	false,
				"sender":	true
			},
			"sum_bidir_reverse":	{
				"start":	0,
				"end":	1.00013,
				"seconds":	1.0001300573349,
				"bytes":	1251350,
				"bits_per_second":	10009498.191341549,
				"jitter_ms":	0.011950775373709333,
				"lost_packets":	0,
				"packets":	863,
				"lost_percent":	0,
				"omitted":	false,
				"sender":	false
			}
		}],
	"end":	{
		"streams":	[{
				"udp":	{
					"socket":	5,
					"start":	0,
					"end":	1.00013,
					"seconds":	1.00013,
					"bytes":	1249900,
					"bits_per_second":	9997900.2729645148,
					"jitter_ms":	0.022849290026724388,
					"lost_packets":	0,
					"packets":	862,
					"lost_percent":	0,
					"out_of_order":	0,
					"sender":	true
				}
			}, {
				"udp":	{
					"socket":	7,
					"start":	0,
					"end":	1.00013,
					"seconds":	1.00013,
					"bytes":	1251350,
					"bits_per_second":	10009498.765160529,
					"jitter_ms":	0.011950775373709333,
					"lost_packets":	0,
					"packets":	863,
					"lost_percent":	0,
					"out_of_order":	0,
					"sender":	false
				}
			}],
		"sum":	{
			"start":	0,
			"end":	1.000186,
			"seconds":	1.000186,
			"bytes":	1249900,
			"bits_per_second":	9997900.2729645148,
			"jitter_ms":	0.022849290026724388,
			"lost_packets":	0,
			"packets":	862,
			"lost_percent":	0,
			"sender":	true
		},
		"sum_sent":	{
			"start":	0,
			"end":	1.00013,
			"seconds":	1.00013,
			"bytes":	1249900,
			"bits_per_second":	9997900.2729645148,
			"jitter_ms":	0,
			"lost_packets":	0,
			"packets":	862,
			"lost_percent":	0,
			"sender":	true
		},
		"sum_received":	{
			"start":	0,
			"end":	1.000186,
			"seconds":	1.000186,
			"bytes":	1249900,
			"bits_per_second":	9997340.49466799,
			"jitter_ms":	0.022849290026724388,
			"lost_packets":	0,
			"packets":	862,
			"lost_percent":	0,
			"sender":	false
		},
		"sum_bidir_reverse":	{
			"start":	0,
			"end":	1.000186,
			"seconds":	1.000186,
			"bytes":	1251350,
			"bits_per_second":	10009498.765160529,
			"jitter_ms":	0.011950775373709333,
			"lost_packets":	0,
			"packets":	863,
			"lost_percent":	0,
			"sender":	false
		},
		"sum_sent_bidir_reverse":	{
			"start":	0,
			"end":	1.00013,
			"seconds":	1.00013,
			"bytes":	1251350,
			"bits_per_second":	10009498.765160529,
			"jitter_ms":	0,
			"lost_packets":	0,
			"packets":	863,
			"lost_percent":	0,
			"sender":	true
		},
		"sum_received_bidir_reverse":	{
			"start":	0,
			"end":	1.000186,
			"seconds":	1.000186,
			"bytes":	1251350,
			"bits_per_second":	10008938.337469231,
			"jitter_ms":	0.011950775373709333,
			"lost_packets":	0,
			"packets":	863,
			"lost_percent":	0,
			"sender":	false
		},
		"cpu_utilization_percent":	{
			"host_total":	4.9706328911619,
			"host_user":	0.78202413297107243,
			"host_system":	4.1882092056896276,
			"remote_total":	4.5959808038392325,
			"remote_user":	0.57918416316736654,
			"remote_system":	4.0165966806638673
		}
	}
}
"""#

    /// No server listening: iperf3 exits 0 and says why in "error".
    static let connectionRefused = #"""
{
	"start":	{
		"connected":	[],
		"version":	"iperf 3.12",
		"system_info":	"Linux vm 6.18.44-fc-v1045 #1 SMP PREEMPT_DYNAMIC @0 x86_64"
	},
	"intervals":	[],
	"end":	{
	},
	"error":	"unable to connect to server: Connection refused"
}
"""#
}
