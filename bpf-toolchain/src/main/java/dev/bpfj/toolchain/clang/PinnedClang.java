package dev.bpfj.toolchain.clang;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A clang taken from a Maven artifact instead of the machine: by default
 * {@code org.bytedeco:llvm:20.1.7-1.5.12} with the platform's classifier, a jar that carries a
 * complete clang with the BPF backend.
 *
 * <p>The jar is resolved by the caller (the Maven plugin asks Maven's repository system, so it
 * is cached in the local repository and works offline). This class unpacks the few files a BPF
 * build needs — {@code clang}, its two shared libraries, {@code llvm-objcopy} (which acts as
 * {@code llvm-strip} when called by that name) and clang's own headers — once per artifact into
 * a per-user cache, and adds the versioned library names that the clang binary asks for
 * ({@code libLLVM.so.20.1}, {@code libclang-cpp.so.20.1}), which the jar does not carry.
 *
 * <p>Trust: an artifact the plugin knows (the default, on x86-64 and arm64) must match the
 * SHA-256 pinned here before anything is unpacked. An unpacked entry is used only when it is
 * complete (a marker written last records the jar it came from), owned by the current user and
 * writable by nobody else; anything else is unpacked again.
 */
public final class PinnedClang {

    /** The artifact used when the build asks for a pinned clang without naming one. */
    public static final String DEFAULT_ARTIFACT = "org.bytedeco:llvm:20.1.7-1.5.12";

    /** SHA-256 of the default artifact's jars, taken from Maven Central when this version was pinned. */
    private static final Map<String, String> KNOWN_SHA256 = Map.of(
            "org.bytedeco:llvm:20.1.7-1.5.12:linux-x86_64",
            "c9a63eb7b03477b582d558b51c288fd1731bf795bc741c10b32bdd6bcc2c501f",
            "org.bytedeco:llvm:20.1.7-1.5.12:linux-arm64",
            "a293dd0ee0dd44f34afd34f3c52a101627221fa72f166e954e9e2aa16ec5641c");

    private static final String MARKER = ".bpfj-unpacked";
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    private PinnedClang() {
    }

    /**
     * The artifact's classifier for this machine, as the bytedeco builds name their platforms.
     *
     * @return {@code linux-x86_64} or {@code linux-arm64}, or empty where no pinned clang exists
     */
    public static Optional<String> platformClassifier() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return Optional.empty();
        }
        return switch (arch) {
            case "amd64", "x86_64" -> Optional.of("linux-x86_64");
            case "aarch64", "arm64" -> Optional.of("linux-arm64");
            default -> Optional.empty();
        };
    }

    /**
     * The per-user cache the clangs are unpacked into: {@code $XDG_CACHE_HOME/bpfj/clang}, or
     * {@code ~/.cache/bpfj/clang}.
     *
     * @return the cache directory (not created)
     */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bpfj").resolve("clang");
    }

    /**
     * Unpacks a clang artifact into the cache unless a trusted copy is already there.
     *
     * @param artifact   {@code groupId:artifactId:version} of the artifact
     * @param classifier the platform classifier of {@code jar}
     * @param jar        the resolved jar
     * @param cache      the cache directory
     * @param log        where to say what was unpacked
     * @return the {@code clang} executable inside the cache
     * @throws BpfBuildException when the jar is not what was pinned, carries no clang, or the
     *                           cache cannot be written
     */
    public static Path unpack(String artifact, String classifier, Path jar, Path cache, BuildLog log)
            throws BpfBuildException {
        String[] parts = artifact.split(":");
        if (parts.length != 3 || Stream.of(parts).anyMatch(String::isBlank)) {
            throw new BpfBuildException("The clang artifact '" + artifact
                    + "' is not groupId:artifactId:version (for example " + DEFAULT_ARTIFACT + ")");
        }
        String name = parts[1] + "-" + parts[2] + "-" + classifier;
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new BpfBuildException("The clang artifact '" + artifact + ":" + classifier
                    + "' has characters that cannot name a cache folder");
        }
        Path home = cache.resolve(name);
        String jarStamp = stamp(jar);
        Path clang = home.resolve("clang");
        if (trusted(home, jarStamp)) {
            return clang;
        }
        String sha256 = sha256(jar);
        String expected = KNOWN_SHA256.get(artifact + ":" + classifier);
        if (expected != null && !expected.equals(sha256)) {
            throw new BpfBuildException("The clang artifact " + jar + " (" + artifact + ":" + classifier
                    + ") has SHA-256 " + sha256 + ", but this plugin pinned " + expected
                    + ". The file in the local Maven repository is damaged or was replaced: delete it and build again.");
        }
        log.info("Unpacking clang from " + artifact + ":" + classifier + " into " + home);
        try {
            Files.createDirectories(cache);
            Path temporary = Files.createTempDirectory(cache, "." + name + "-");
            try {
                extract(jar, artifact, classifier, temporary);
                String majorMinor = majorMinor(parts[2]);
                Files.createSymbolicLink(temporary.resolve("libLLVM.so." + majorMinor), Path.of("libLLVM.so"));
                Files.createSymbolicLink(temporary.resolve("libclang-cpp.so." + majorMinor), Path.of("libclang-cpp.so"));
                Files.createSymbolicLink(temporary.resolve("llvm-strip"), Path.of("llvm-objcopy"));
                Files.writeString(temporary.resolve(MARKER), jarStamp + "\nsha256=" + sha256 + "\n",
                        StandardCharsets.UTF_8);
                deleteTree(home);
                try {
                    Files.move(temporary, home, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                    // Another build unpacked the same artifact meanwhile; use theirs if it is sound.
                    if (!trusted(home, jarStamp)) {
                        throw raced;
                    }
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(temporary, home);
                }
            } finally {
                deleteTree(temporary);
            }
        } catch (IOException e) {
            throw new BpfBuildException("Cannot unpack clang from " + jar + " into " + home + ": " + e
                    + ". Point -Dbpf.clangCache at a writable directory.", List.of(), e);
        }
        return clang;
    }

    /** The jar's identity for the marker: its absolute path, size and modification time. */
    private static String stamp(Path jar) throws BpfBuildException {
        try {
            return "jar=" + jar.toAbsolutePath() + "\nsize=" + Files.size(jar) + "\nmtime="
                    + Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException e) {
            throw new BpfBuildException("Cannot read the clang artifact " + jar + ": " + e, List.of(), e);
        }
    }

    /** Whether an unpacked copy is complete, from this jar, and could not have been changed by another user. */
    static boolean trusted(Path home, String jarStamp) {
        Path marker = home.resolve(MARKER);
        try {
            if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
                    || !Files.readString(marker, StandardCharsets.UTF_8).startsWith(jarStamp + "\n")) {
                return false;
            }
            String user = System.getProperty("user.name");
            for (Path path : List.of(home, home.resolve("clang"), home.resolve("libLLVM.so"),
                    home.resolve("libclang-cpp.so"), home.resolve("llvm-objcopy"), marker)) {
                if (!Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(user)) {
                    return false;
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                    return false;
                }
            }
            return Files.isExecutable(home.resolve("clang"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void extract(Path jar, String artifact, String classifier, Path into)
            throws IOException, BpfBuildException {
        String prefix = artifact.split(":")[0].replace('.', '/') + "/" + artifact.split(":")[1].replace('.', '/')
                + "/" + classifier + "/";
        List<String> required = List.of("clang", "libLLVM.so", "libclang-cpp.so", "llvm-objcopy");
        int found = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.isDirectory() || !entry.getName().startsWith(prefix)) {
                    continue;
                }
                String relative = entry.getName().substring(prefix.length());
                boolean wanted = required.contains(relative) || relative.matches("lib/clang/[0-9]+/include/.+");
                if (!wanted) {
                    continue;
                }
                Path target = into.resolve(relative).normalize();
                if (!target.startsWith(into)) {
                    throw new BpfBuildException("The clang artifact " + jar + " has an entry that points outside "
                            + "its folder: " + entry.getName());
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
                    in.transferTo(out);
                }
                if (required.contains(relative)) {
                    found++;
                    Files.setPosixFilePermissions(target, EXECUTABLE);
                }
            }
        }
        if (found != required.size()) {
            throw new BpfBuildException("The artifact " + artifact + ":" + classifier + " (" + jar
                    + ") does not contain " + String.join(", ", required) + " under " + prefix
                    + ": it is not a clang distribution this plugin knows. Use " + DEFAULT_ARTIFACT + ".");
        }
    }

    /** {@code 20.1.7-1.5.12} -> {@code 20.1}: the suffix of the library names clang was linked against. */
    static String majorMinor(String version) throws BpfBuildException {
        String[] numbers = version.split("[.-]");
        if (numbers.length < 2 || !numbers[0].matches("\\d+") || !numbers[1].matches("\\d+")) {
            throw new BpfBuildException("Cannot tell the LLVM version from the clang artifact version '" + version
                    + "' (expected LLVM's version first, as in 20.1.7-1.5.12)");
        }
        return numbers[0] + "." + numbers[1];
    }

    private static String sha256(Path file) throws BpfBuildException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new BpfBuildException("Cannot read the clang artifact " + file + ": " + e, List.of(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
