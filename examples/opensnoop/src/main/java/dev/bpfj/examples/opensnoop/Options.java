package dev.bpfj.examples.opensnoop;

import java.time.Duration;
import java.util.Optional;

/**
 * What the command line asked for.
 *
 * @param pid           trace only this process (thread group id); 0 = any
 * @param tid           trace only this thread; 0 = any
 * @param uid           trace only this user id; empty = any
 * @param failedOnly    print only opens that failed
 * @param duration      stop after this long; empty = until interrupted
 * @param name          print only processes whose command name contains this; empty = any
 * @param extended      print the FLAGS and MODE columns
 * @param timestamp     print the TIME column
 * @param printUid      print the UID column
 * @param fullPath      resolve relative paths against the directory they were opened from
 * @param verbose       print libbpf's messages and what was attached
 * @param perfBuffer    send events through a perf event array instead of the BPF ring buffer
 * @param ringSizeBytes ring buffer size in bytes (a power of two, at least one page); 0 = the default
 * @param perfPages     pages per CPU of the perf buffer (a power of two); 0 = the default
 */
public record Options(int pid, int tid, Optional<Integer> uid, boolean failedOnly,
        Optional<Duration> duration, Optional<String> name, boolean extended, boolean timestamp,
        boolean printUid, boolean fullPath, boolean verbose, boolean perfBuffer,
        long ringSizeBytes, int perfPages) {

    /** The options with nothing set: trace everything, classic columns. */
    public static Options defaults() {
        return new Options(0, 0, Optional.empty(), false, Optional.empty(), Optional.empty(),
                false, false, false, false, false, false, 0, 0);
    }
}
