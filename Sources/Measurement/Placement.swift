// Thread and memory placement through libnuma and sched_setaffinity. Every call reports what
// the kernel applied, read back after the request.
@preconcurrency import CNuma
import CVWiFiShim
import Glibc

public enum Placement {
    /// libnuma answers (numa_available() >= 0): the kernel has NUMA support.
    public static var numaAvailable: Bool { numa_available() >= 0 }

    /// The NUMA nodes with their CPUs and memory; one node of all online CPUs without libnuma.
    public static func nodes() -> [NumaNode] {
        guard numaAvailable else {
            return [NumaNode(id: 0, cpus: onlineCPUs(), memoryBytes: Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE))))]
        }
        var result: [NumaNode] = []
        let maxNode = numa_max_node()
        guard maxNode >= 0, let mask = numa_allocate_cpumask() else { return [] }
        defer { numa_free_cpumask(mask) }
        for node in 0...maxNode where numa_bitmask_isbitset(numa_all_nodes_ptr, UInt32(node)) != 0 {
            numa_bitmask_clearall(mask)
            guard numa_node_to_cpus(node, mask) == 0 else { continue }
            var cpus: [Int] = []
            // SAFETY: `mask` is the live bitmask from numa_allocate_cpumask (freed by the defer above).
            for cpu in 0..<Int(mask.pointee.size) where numa_bitmask_isbitset(mask, UInt32(cpu)) != 0 {
                cpus.append(cpu)
            }
            let size = numa_node_size64(node, nil)
            result.append(NumaNode(id: Int(node), cpus: cpus, memoryBytes: max(0, size)))
        }
        return result
    }

    /// CPUs this thread may run on (sched_getaffinity).
    public static func allowedCPUs(tid: Int32 = 0) -> [Int] {
        var mask = [UInt64](repeating: 0, count: 16)
        let n = mask.withUnsafeMutableBufferPointer { vw_get_affinity(tid, $0.baseAddress, Int32($0.count)) }
        guard n > 0 else { return [] }
        var cpus: [Int] = []
        for (w, word) in mask.enumerated() where word != 0 {
            for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 { cpus.append(w * 64 + bit) }
        }
        return cpus
    }

    /// Online CPUs per /sys/devices/system/cpu/online (falls back to this thread's mask).
    public static func onlineCPUs() -> [Int] {
        guard let text = TextFile.firstLine("/sys/devices/system/cpu/online"), !text.isEmpty else { return allowedCPUs() }
        var cpus: [Int] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-").compactMap { Int($0) }
            if ends.count == 2, ends[0] <= ends[1] { cpus.append(contentsOf: ends[0]...ends[1]) }
            else if ends.count == 1 { cpus.append(ends[0]) }
        }
        return cpus
    }

    /// NUMA node of a CPU, or nil without libnuma.
    public static func node(ofCPU cpu: Int) -> Int? {
        guard numaAvailable else { return nil }
        let node = numa_node_of_cpu(Int32(cpu))
        return node >= 0 ? Int(node) : nil
    }

    /// Pins the calling thread to `cpu` and reports where it now is.
    public static func pinCurrentThread(cpu: Int) throws(PlacementError) -> AppliedPlacement {
        try setAffinity(tid: 0, cpu: cpu)
        let running = Int(vw_current_cpu())
        return AppliedPlacement(requestedCPU: cpu, requestedNode: nil, allowedCPUs: allowedCPUs(),
                                runningOn: running, node: node(ofCPU: running))
    }

    /// Pins thread `tid` of this process to `cpu`. `runningOn` is the CPU the kernel last ran it
    /// on: a thread that is asleep moves when it next runs, so this may still show the old CPU.
    public static func pin(tid: Int32, cpu: Int) throws(PlacementError) -> AppliedPlacement {
        try setAffinity(tid: tid, cpu: cpu)
        let running = lastCPU(tid: tid) ?? -1
        return AppliedPlacement(requestedCPU: cpu, requestedNode: nil, allowedCPUs: allowedCPUs(tid: tid),
                                runningOn: running, node: running >= 0 ? node(ofCPU: running) : nil)
    }

    /// Restricts the calling thread to the CPUs of NUMA node `node`.
    public static func pinCurrentThread(node requested: Int) throws(PlacementError) -> AppliedPlacement {
        guard numaAvailable else {
            throw PlacementError("cannot pin to NUMA node \(requested): libnuma reports no NUMA support (numa_available() < 0); pin to a CPU instead")
        }
        guard numa_run_on_node(Int32(requested)) == 0 else {
            // libnuma reports through errno, not a -errno result.
            let failure = SystemCall.failure("numa_run_on_node", errno: errno)
            throw PlacementError("cannot pin to NUMA node \(requested): \(failure); valid nodes: \(nodes().map(\.id))")
        }
        let running = Int(vw_current_cpu())
        return AppliedPlacement(requestedCPU: nil, requestedNode: requested, allowedCPUs: allowedCPUs(),
                                runningOn: running, node: node(ofCPU: running))
    }

    private static func setAffinity(tid: Int32, cpu: Int) throws(PlacementError) {
        guard cpu >= 0 else { throw PlacementError("cpu \(cpu) is negative; use one of \(onlineCPUs())") }
        try SystemCall.check("sched_setaffinity", vw_set_affinity_cpu(tid, Int32(cpu))) { failure in
            let who = tid == 0 ? "this thread" : "thread \(tid)"
            return PlacementError("cannot pin \(who) to cpu \(cpu): \(failure); online CPUs: \(onlineCPUs()), allowed to this process: \(allowedCPUs())")
        }
    }

    /// Field 39 (`processor`) of /proc/self/task/<tid>/stat: the CPU the thread last ran on.
    public static func lastCPU(tid: Int32) -> Int? {
        guard let fields = ProcTaskStat.fields(tid: tid), fields.count > 38 else { return nil }
        return Int(fields[38])
    }

    /// Binds `length` bytes at `ptr` (page aligned) to NUMA node `node` with mbind(MPOL_BIND),
    /// then reads back the policy and, for up to 64 pages spread over the range, the backing node
    /// (get_mempolicy faults a page in if it was not yet touched).
    public static func bindMemory(_ ptr: UnsafeMutableRawPointer, length: Int, node requested: Int) -> AppliedMemoryBinding {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard Int(bitPattern: ptr) % pageSize == 0, length > 0 else {
            return AppliedMemoryBinding(requestedNode: requested, bound: false, policyMode: nil, pagesChecked: 0,
                                        pagesOnNode: 0, pagesElsewhere: 0,
                                        note: "address must be page aligned (\(pageSize) bytes) and length positive; allocate with mmap or posix_memalign")
        }
        if let errno = SystemCall.errno(of: vw_mbind_node(ptr, length, Int32(requested))) {
            return AppliedMemoryBinding(requestedNode: requested, bound: false, policyMode: nil, pagesChecked: 0,
                                        pagesOnNode: 0, pagesElsewhere: 0,
                                        note: "mbind to node \(requested) failed: \(errno.named); valid nodes: \(nodes().map(\.id))")
        }
        let mode = vw_mempolicy_mode_of_address(ptr)
        let pages = (length + pageSize - 1) / pageSize
        let step = max(1, pages / 64)
        var checked = 0, onNode = 0, elsewhere = 0
        var page = 0
        while page < pages && checked < 64 {
            let backing = vw_node_of_address(ptr + page * pageSize)
            if backing >= 0 {
                checked += 1
                if Int(backing) == requested { onNode += 1 } else { elsewhere += 1 }
            }
            page += step
        }
        let note = elsewhere == 0
            ? "bound; \(onNode) of \(checked) sampled pages on node \(requested)"
            : "bound, but \(elsewhere) of \(checked) sampled pages live on other nodes (touched before binding, or node memory full)"
        return AppliedMemoryBinding(requestedNode: requested, bound: true, policyMode: mode >= 0 ? Int(mode) : nil,
                                    pagesChecked: checked, pagesOnNode: onNode, pagesElsewhere: elsewhere, note: note)
    }
}
