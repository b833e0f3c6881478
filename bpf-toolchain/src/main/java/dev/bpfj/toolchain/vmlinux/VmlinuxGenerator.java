package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.Checksum64;
import dev.bpfj.toolchain.OutputFiles;
import dev.bpfj.toolchain.btf.BtfTable;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a BTF file and writes {@code vmlinux.h} from it: the work behind {@code bpf:vmlinux}
 * and {@link KernelBtfHeaderProvider}.
 *
 * <p>The header's first comment records checksums of the BTF it came from and this
 * generator's version, so a caller can tell that an existing header is current
 * without generating it again.
 */
public final class VmlinuxGenerator {

    /** The kernel's own BTF, present when it was built with {@code CONFIG_DEBUG_INFO_BTF}. */
    public static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    /** Changes whenever the generated text changes, so cached headers are regenerated. */
    static final int GENERATOR_VERSION = 2;

    private final BuildLog log;

    /**
     * A generator reporting to {@code log}.
     *
     * @param log where to report what was done
     */
    public VmlinuxGenerator(BuildLog log) {
        this.log = log;
    }

    /**
     * Command-line entry point, the same work as {@code bpf:vmlinux}, for scripts and for
     * measuring the generator against {@code bpftool btf dump file ... format c} (see
     * {@code benchmarks/vmlinux-time.sh}): {@code java -cp bpf-toolchain.jar
     * dev.bpfj.toolchain.vmlinux.VmlinuxGenerator [--btf BTF_FILE] OUTPUT [ROOT...]}. The BTF file
     * defaults to {@link #KERNEL_BTF}; roots restrict the header as
     * {@link VmlinuxHeaderWriter#withRoots} does. An existing header generated from the same BTF and
     * roots is kept. Exits with status 1 and a message on bad input, 2 on bad usage.
     *
     * @param args {@code [--btf BTF_FILE] OUTPUT [ROOT...]}
     */
    public static void main(String[] args) {
        boolean help = args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"));
        boolean btfGiven = args.length > 0 && args[0].equals("--btf");
        int next = btfGiven ? 2 : 0;
        if (help || args.length <= next) {
            System.err.println("usage: VmlinuxGenerator [--btf BTF_FILE] OUTPUT [ROOT...]  (the BTF file defaults to "
                    + KERNEL_BTF + ")");
            System.exit(help ? 0 : 2);
        }
        Path btfFile = btfGiven ? Path.of(args[1]) : KERNEL_BTF;
        Path output = Path.of(args[next++]);
        List<String> roots = List.of(args).subList(next, args.length);
        try {
            new VmlinuxGenerator(new StandardErrorLog()).generate(new VmlinuxRequest(btfFile, output, roots));
        } catch (BpfBuildException | IOException failed) {
            System.err.println("error: " + failed.getMessage());
            System.exit(1);
        }
    }

    /** Reports to standard error, without debug lines. */
    private static final class StandardErrorLog implements BuildLog {
        @Override
        public void debug(String message) {
        }

        @Override
        public void info(String message) {
            System.err.println(message);
        }

        @Override
        public void warn(String message) {
            System.err.println("warning: " + message);
        }

        @Override
        public void error(String message) {
            System.err.println("error: " + message);
        }
    }

    /**
     * Writes the requested header, unless one generated from the same BTF with the same roots
     * is already there (it then keeps its timestamp).
     *
     * @param request what to read and write
     * @return the header as written or found; its counts are zero when it was already current
     * @throws BpfBuildException if the BTF file is missing or malformed (naming the file and the
     *                           byte offset), or a root names no type
     * @throws IOException       if reading or writing fails
     */
    public VmlinuxHeader generate(VmlinuxRequest request) throws BpfBuildException, IOException {
        VmlinuxHeader header = generate(request, true);
        return header != null ? header : new VmlinuxHeader(Files.readAllBytes(request.output()), 0, 0, List.of());
    }

    /**
     * {@link #generate(VmlinuxRequest)} for callers that only need the file, such as every
     * {@code bpf:compile}: a header that is already current is neither read back nor announced
     * at info level.
     *
     * @return the header written or copied, or null when the existing one was current
     */
    VmlinuxHeader generate(VmlinuxRequest request, boolean announceCurrent) throws BpfBuildException, IOException {
        // The reported time covers all the work: reading and checking the BTF too.
        long start = System.nanoTime();
        // Builds ask on every run, so they first compare the BTF file's size, time and inode with
        // those it had when the header was last found current; the full check reads all of it.
        SourceRecord record = announceCurrent ? null : SourceRecord.of(request);
        if (record != null && record.matches()) {
            log.debug("vmlinux.h is up to date: " + request.output() + " (" + request.btfFile() + " unchanged)");
            return null;
        }
        byte[] bytes = readBtf(request.btfFile(), "bpf.btfFile");
        Checksums sums = Checksums.of(bytes);
        String stamp = sums.stamp(request.roots());
        if (isCurrent(request.output(), stamp)) {
            String current = "vmlinux.h is up to date: " + request.output();
            if (announceCurrent) {
                log.info(current);
            } else {
                log.debug(current);
            }
            remember(record, stamp);
            return null;
        }
        Path cached = request.cache() == null || !request.roots().isEmpty() ? null
                : request.cache().resolve(sums.cacheFileName());
        CacheTrust trust = cached == null ? null : new CacheTrust(request.cache(), log);
        if (cached != null && !trust.directoryTrusted()) {
            cached = null;
        }
        byte[] trustedText = cached != null && isCurrent(cached, stamp) ? trust.sealedContent(cached) : null;
        if (trustedText != null) {
            byte[] text = trustedText;
            OutputFiles.writeIfChanged(request.output(), text);
            remember(record, stamp);
            log.info("Copied " + request.output() + " from " + cached + ", generated before from the same BTF ("
                    + (System.nanoTime() - start) / 1_000_000 + " ms)");
            return new VmlinuxHeader(text, 0, 0, List.of());
        }
        VmlinuxHeader header = write(request.btfFile(), bytes, stamp, request.roots());
        byte[] text = header.utf8();
        OutputFiles.writeIfChanged(request.output(), text);
        remember(record, stamp);
        report(header, request.btfFile(), request.output(), start);
        if (cached != null) {
            try {
                trust.write(cached, text);
            } catch (IOException unwritable) {
                // A cache is an optimisation: a read-only home directory must not fail the build.
                log.debug("Cannot keep vmlinux.h in the cache " + cached + ": " + unwritable);
            }
        }
        return header;
    }

    private void remember(SourceRecord record, String stamp) {
        if (record != null) {
            try {
                record.save(stamp);
            } catch (IOException unwritable) {
                // Only the quick check is lost: the next build reads the BTF again.
                log.debug("Cannot record the BTF behind " + record.file + ": " + unwritable);
            }
        }
    }

    /**
     * What a generated header was made from, kept beside it ({@code .vmlinux.h.source}): the BTF
     * file's path, size, modification time and file key, the roots and the generator version,
     * then the header's stamp. When all of that still holds and the header still carries the
     * stamp, the header is current without reading the BTF (5&nbsp;MB for a kernel, 40&nbsp;ms of
     * every no-op build otherwise). For the running kernel's BTF the record also holds the
     * kernel's release and build string, which change with the kernel. A BTF file rewritten with
     * the same size and time and in the same inode would go unnoticed, as it would by
     * {@code make}.
     */
    private static final class SourceRecord {
        private final Path file;
        private final Path header;
        private final String identity;

        private SourceRecord(Path file, Path header, String identity) {
            this.file = file;
            this.header = header;
            this.identity = identity;
        }

        /** The record of a request, or null when the BTF file's attributes cannot be read. */
        static SourceRecord of(VmlinuxRequest request) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(request.btfFile(), BasicFileAttributes.class);
            } catch (IOException unreadable) {
                // The full path reports a missing file properly.
                return null;
            }
            Path header = request.output();
            String identity = "generator=" + GENERATOR_VERSION + " btf=" + request.btfFile().toAbsolutePath()
                    + " size=" + attributes.size() + " modified=" + attributes.lastModifiedTime()
                    + " key=" + attributes.fileKey() + " roots=" + String.join(",", request.roots())
                    + (request.btfFile().equals(KERNEL_BTF) ? " kernel=" + runningKernel() : "");
            return new SourceRecord(header.resolveSibling("." + header.getFileName() + ".source"), header, identity);
        }

        /** The running kernel's release and build ({@code uname -r} and {@code -v}), which its BTF comes with. */
        private static String runningKernel() {
            try {
                return (Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip() + " "
                        + Files.readString(Path.of("/proc/sys/kernel/version")).strip()).replace('\n', ' ');
            } catch (IOException | RuntimeException unreadable) {
                return "unknown";
            }
        }

        boolean matches() throws IOException {
            if (!Files.isRegularFile(file)) {
                return false;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.size() == 2 && lines.get(0).equals(identity) && isCurrent(header, lines.get(1));
        }

        void save(String stamp) throws IOException {
            OutputFiles.writeIfChanged(file, (identity + "\n" + stamp + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The default header cache: {@code $XDG_CACHE_HOME/bpfj/vmlinux}, or
     * {@code ~/.cache/bpfj/vmlinux} when that variable is not set, as freedesktop.org's
     * base-directory convention has it.
     *
     * @return the directory (it may not exist yet)
     */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bpfj").resolve("vmlinux");
    }

    private void report(VmlinuxHeader header, Path btfFile, Path output, long startNanos) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        log.info("Generated " + output + " from " + btfFile + " (" + header.definitions() + " declarations, "
                + millis + " ms)");
        for (String warning : header.warnings()) {
            log.warn("vmlinux.h: " + warning);
        }
    }

    /**
     * Reads a BTF file, turning a missing file into an error that says what to configure.
     */
    static byte[] readBtf(Path btfFile, String parameter) throws BpfBuildException, IOException {
        try {
            return Files.readAllBytes(btfFile);
        } catch (NoSuchFileException missing) {
            String hint = btfFile.equals(KERNEL_BTF)
                    ? "This kernel was built without BTF (CONFIG_DEBUG_INFO_BTF=y). Point " + parameter
                    + " at a BTF file of the kernel you target (for example /sys/kernel/btf/vmlinux copied from"
                    + " such a machine), or configure a ready vmlinux.h with bpf.vmlinuxHeader."
                    : "Check " + parameter + ": it must name a BTF file such as /sys/kernel/btf/vmlinux.";
            throw new BpfBuildException("Cannot generate vmlinux.h: " + btfFile + " does not exist. " + hint);
        }
    }

    /**
     * Parses the BTF and writes the header text, translating bad input into the build's error.
     */
    static VmlinuxHeader write(Path btfFile, byte[] bytes, String stamp, List<String> roots)
            throws BpfBuildException {
        BtfTable btf;
        try {
            btf = BtfTable.parse(btfFile.toString(), bytes);
        } catch (BpfFormatException malformed) {
            throw new BpfBuildException("Cannot generate vmlinux.h: " + malformed.getMessage()
                    + ". The file must be raw BTF as in /sys/kernel/btf/vmlinux (not an ELF object or a header).",
                    List.of(), malformed);
        }
        List<String> comment = new ArrayList<>();
        comment.add("vmlinux.h: kernel types from " + btfFile + ", generated by bpfj. Do not edit.");
        if (!roots.isEmpty()) {
            comment.add("Only these types and what they need: " + String.join(", ", roots));
        }
        comment.add(stamp);
        try {
            return VmlinuxHeaderWriter.of(btf).withRoots(roots).withComment(comment).write();
        } catch (IllegalArgumentException inexpressible) {
            throw new BpfBuildException("Cannot generate vmlinux.h from " + btfFile + ": "
                    + inexpressible.getMessage(), List.of(), inexpressible);
        }
    }

    /**
     * The checksums that identify a BTF: its length, its CRC-32C and its CRC-32.
     *
     * <p>They are a cache key, not a seal: they tell one kernel's BTF from another's (64 bits
     * from two different polynomials, plus the length), which is all that deciding to
     * regenerate needs. CRC-32C and CRC-32 run as CPU instructions even before the JIT has
     * compiled anything, about 1&nbsp;ms for 5&nbsp;MB of kernel BTF, where SHA-256 took 70&nbsp;ms of
     * a cold JVM: a tenth of generating the header, paid again by every build that only checks
     * that its header is current.
     */
    record Checksums(int length, long crc32c, long crc32) {

        static Checksums of(byte[] btf) {
            long both = Checksum64.of(btf);
            return new Checksums(btf.length, both >>> 32, both & 0xffff_ffffL);
        }

        /**
         * The line of a header's leading comment that identifies its inputs: the generator
         * version, these checksums and the roots.
         */
        String stamp(List<String> roots) {
            return "bpfj-vmlinux generator=" + GENERATOR_VERSION + " btf-length=" + length
                    + " btf-crc32c=" + String.format("%08x", crc32c) + " btf-crc32=" + String.format("%08x", crc32)
                    + (roots.isEmpty() ? "" : " roots=" + String.join(",", roots).replace(' ', '_'));
        }

        /**
         * The name under which the cache keeps the full header of this BTF (the header's own
         * stamp is checked too before a cached file is used).
         */
        String cacheFileName() {
            return String.format("vmlinux-g%d-%d-%08x-%08x.h", GENERATOR_VERSION, length, crc32c, crc32);
        }
    }

    /**
     * Decides whether the header cache may be used. The cache is shared between builds, and a
     * header copied from it is compiled into BPF programs that run in the kernel, so an entry is
     * used only when the cache directory, the entry and its seal belong to the current user and
     * nobody else may write them, and the entry's bytes still have the SHA-256 recorded in its
     * seal ({@code <entry>.sha256}, written with the entry). Anything else is skipped with a
     * warning and the header is generated instead; an untrusted directory is not written to.
     */
    static final class CacheTrust {
        private static final Set<PosixFilePermission> FOREIGN_WRITE = Set.of(
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);

        private final Path directory;
        private final BuildLog log;

        CacheTrust(Path directory, BuildLog log) {
            this.directory = directory;
            this.log = log;
        }

        /** Whether the directory is missing (it is created with the user's umask) or safe to use. */
        boolean directoryTrusted() throws IOException {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            // A link to a directory (~/.cache on another disk) is fine: what it leads to is checked.
            String problem = problem(directory.toRealPath());
            if (problem != null) {
                log.warn("Not using the vmlinux.h cache " + directory + ": " + problem
                        + ". Fix its owner or permissions (chmod go-w), or configure another bpf.vmlinuxCache.");
                return false;
            }
            return true;
        }

        /** The entry's bytes when it and its seal are trusted and match, else null (with a warning). */
        byte[] sealedContent(Path entry) throws IOException {
            Path seal = sealOf(entry);
            String problem = problem(entry);
            if (problem == null) {
                problem = Files.exists(seal, LinkOption.NOFOLLOW_LINKS) ? problem(seal)
                        : "it has no checksum file " + seal.getFileName();
            }
            byte[] text = null;
            if (problem == null) {
                text = Files.readAllBytes(entry);
                String recorded = Files.readString(seal, StandardCharsets.US_ASCII).strip();
                if (!recorded.equals(sha256(text))) {
                    problem = "its content does not match the SHA-256 recorded in " + seal.getFileName();
                }
            }
            if (problem != null) {
                log.warn("Not using the vmlinux.h cache entry " + entry + ": " + problem + "; generating the header");
                return null;
            }
            return text;
        }

        /** Writes an entry and its seal. */
        void write(Path entry, byte[] text) throws IOException {
            OutputFiles.writeIfChanged(entry, text);
            OutputFiles.writeIfChanged(sealOf(entry), (sha256(text) + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        private static Path sealOf(Path entry) {
            return entry.resolveSibling(entry.getFileName() + ".sha256");
        }

        /** Why a cache file or directory is not trusted, or null. */
        private static String problem(Path path) throws IOException {
            if (Files.isSymbolicLink(path)) {
                return "it is a symbolic link";
            }
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException notPosix) {
                return null;
            }
            Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            long self = currentUid();
            if (self >= 0 && uid instanceof Integer owner && owner != self) {
                return "it belongs to " + attributes.owner().getName() + " (uid " + owner + "), not to the current user"
                        + " (uid " + self + ")";
            }
            for (PosixFilePermission permission : attributes.permissions()) {
                if (FOREIGN_WRITE.contains(permission)) {
                    return "others than its owner may write it ("
                            + PosixFilePermissions.toString(attributes.permissions()) + ")";
                }
            }
            return null;
        }

        /** The process's uid, from /proc/self (Linux); -1 when unknown. */
        private static long currentUid() {
            try {
                Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return uid instanceof Integer i ? i : -1;
            } catch (IOException | RuntimeException unknown) {
                return -1;
            }
        }

        static String sha256(byte[] text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(text);
                StringBuilder hex = new StringBuilder(64);
                for (byte b : digest) {
                    hex.append(Character.forDigit(b >> 4 & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                }
                return hex.toString();
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("every JDK has SHA-256", impossible);
            }
        }
    }

    /** Whether {@code header} exists and its leading comment carries exactly {@code stamp}. */
    static boolean isCurrent(Path header, String stamp) throws IOException {
        if (!Files.isRegularFile(header)) {
            return false;
        }
        byte[] start = new byte[4096];
        int read;
        try (InputStream in = Files.newInputStream(header)) {
            read = in.readNBytes(start, 0, start.length);
        }
        String head = new String(start, 0, read, StandardCharsets.UTF_8);
        int end = head.indexOf("*/");
        return end > 0 && head.substring(0, end).contains(" * " + stamp + "\n");
    }
}
