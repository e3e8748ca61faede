// ping (iputils 20221126) and sockperf 3.7 output, captured on this machine inside
// `unshare -n` over loopback only. Usage texts are cut after their first lines; the rest is
// verbatim, sockperf's colour escapes included.
enum PingFixtures {
    /// `ping -n -c 5 -i 0.005 -W 1 127.0.0.1` (exit 0).
    static let replies = #"""
PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.371 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.035 ms
64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=0.019 ms
64 bytes from 127.0.0.1: icmp_seq=4 ttl=64 time=0.043 ms
64 bytes from 127.0.0.1: icmp_seq=5 ttl=64 time=0.032 ms

--- 127.0.0.1 ping statistics ---
5 packets transmitted, 5 received, 0% packet loss, time 20ms
rtt min/avg/max/mdev = 0.019/0.100/0.371/0.135 ms
"""#

    /// The same with `net.ipv4.icmp_echo_ignore_all=1` in the namespace: nobody answers (exit 1).
    static let noReply = #"""
PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.

--- 127.0.0.1 ping statistics ---
3 packets transmitted, 0 received, 100% packet loss, time 408ms
"""#

    /// `ping --bogus 127.0.0.1`: exit 2, stderr.
    static let unknownOptionStderr = #"""
ping: invalid option -- '-'

Usage
  ping [options] <destination>
"""#

    /// `ping -c abc 127.0.0.1`: exit 1, stderr.
    static let invalidArgumentStderr = #"""
ping: invalid argument: 'abc'
"""#

    /// `ping -n -c 3 198.18.0.9` in a namespace with only `lo`: exit 2, stderr.
    static let unreachableStderr = #"""
ping: connect: Network is unreachable
"""#
}

enum SockperfFixtures {
    /// `sockperf ping-pong -i 127.0.0.1 -t 1 -m 1450 --full-rtt` against `sockperf server -i 127.0.0.1`.
    static let roundTrip = """
sockperf: \u{1B}[2;35m== version #3.7-no.git == \u{1B}[0m
sockperf[CLIENT] send on:sockperf: using recvfrom() to block on socket(s)

[ 0] IP = 127.0.0.1       PORT = 11111 # UDP
sockperf: Warmup stage (sending a few dummy messages)...
sockperf: Starting test...
sockperf: Test end (interrupted by timer)
sockperf: Test ended
sockperf: [Total Run] RunTime=1.000 sec; Warm up time=400 msec; SentMessages=75951; ReceivedMessages=75950
sockperf: ========= Printing statistics for Server No: 0
sockperf: [Valid Duration] RunTime=0.550 sec; SentMessages=43043; ReceivedMessages=43043
sockperf: \u{1B}[2;35m====> avg-rtt=12.762 (std-dev=21.407)\u{1B}[0m
sockperf: # dropped messages = 0; # duplicated messages = 0; # out-of-order messages = 0
sockperf: Summary: Round trip is 12.762 usec
sockperf: \u{1B}[2;35mTotal 43043 observations\u{1B}[0m; each percentile contains 430.43 observations
sockperf: ---> <MAX> observation = 3830.341
sockperf: ---> percentile 99.999 = 3830.341
sockperf: ---> percentile 99.990 =  101.350
sockperf: ---> percentile 99.900 =   67.750
sockperf: ---> percentile 99.000 =   17.245
sockperf: ---> percentile 90.000 =   14.070
sockperf: ---> percentile 75.000 =   13.189
sockperf: ---> percentile 50.000 =   11.967
sockperf: ---> percentile 25.000 =   11.326
sockperf: ---> <MIN> observation =   10.786
"""

    /// `sockperf ping-pong -i 127.0.0.1 -t 1 -m 1450 --mps 2000` (no --full-rtt: half round trips).
    static let oneWay = """
sockperf: \u{1B}[2;35m== version #3.7-no.git == \u{1B}[0m
sockperf[CLIENT] send on:sockperf: using recvfrom() to block on socket(s)

[ 0] IP = 127.0.0.1       PORT = 11111 # UDP
sockperf: Warmup stage (sending a few dummy messages)...
sockperf: Starting test...
sockperf: Test end (interrupted by timer)
sockperf: Test ended
sockperf: [Total Run] RunTime=1.000 sec; Warm up time=400 msec; SentMessages=2001; ReceivedMessages=2001
sockperf: ========= Printing statistics for Server No: 0
sockperf: [Valid Duration] RunTime=0.551 sec; SentMessages=1099; ReceivedMessages=1099
sockperf: \u{1B}[2;35m====> avg-latency=83.286 (std-dev=210.111)\u{1B}[0m
sockperf: # dropped messages = 0; # duplicated messages = 0; # out-of-order messages = 0
sockperf: Summary: Latency is 83.286 usec
sockperf: \u{1B}[2;35mTotal 1099 observations\u{1B}[0m; each percentile contains 10.99 observations
sockperf: ---> <MAX> observation = 2390.718
sockperf: ---> percentile 99.999 = 2390.718
sockperf: ---> percentile 99.990 = 2390.718
sockperf: ---> percentile 99.900 = 1932.713
sockperf: ---> percentile 99.000 = 1089.607
sockperf: ---> percentile 90.000 =  100.644
sockperf: ---> percentile 75.000 =   50.770
sockperf: ---> percentile 50.000 =   37.085
sockperf: ---> percentile 25.000 =   11.061
sockperf: ---> <MIN> observation =    5.653
"""

    /// The client with no server (exit 0).
    static let noServer = """
sockperf: \u{1B}[2;35m== version #3.7-no.git == \u{1B}[0m
sockperf[CLIENT] send on:sockperf: using recvfrom() to block on socket(s)

[ 0] IP = 127.0.0.1       PORT = 11111 # UDP
sockperf: Warmup stage (sending a few dummy messages)...
sockperf: Starting test...
sockperf: Test end (interrupted by timer)
sockperf: Test ended
sockperf: No messages were received from the server. Is the server down?
"""

    /// `sockperf ping-pong -i 127.0.0.1 -t abc`: exit 0, stdout.
    static let invalidDuration = """
sockperf: '-t' Invalid duration: abc
ping-pong (pp): Run sockperf client for latency test in ping pong mode.

Usage: sockperf ping-pong [options] [args]...
 sockperf ping-pong -i ip  [-p port] [-m message_size] [-t time]
"""

    /// `sockperf ping-pong ... --bogus`: exit 0, usage on stdout, no message.
    static let unknownOption = """
ping-pong (pp): Run sockperf client for latency test in ping pong mode.

Usage: sockperf ping-pong [options] [args]...
 sockperf ping-pong -i ip  [-p port] [-m message_size] [-t time]
 sockperf ping-pong -f file [-F s/p/e] [-m message_size] [-r msg_size_range] [-t time]
"""
}
