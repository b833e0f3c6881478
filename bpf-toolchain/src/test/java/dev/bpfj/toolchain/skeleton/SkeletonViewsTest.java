package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour of generated code without a kernel: a driver compiled next to the btf_zoo skeleton
 * checks bitfields, unions, anonymous members, arrays, 128-bit integers, strings and snapshots
 * against the bytes C would have; and the file-level runner's incremental behaviour.
 */
class SkeletonViewsTest {

    private static final String DRIVER = """
            package dev.bpfj.golden;

            import java.lang.foreign.Arena;
            import java.lang.foreign.MemorySegment;
            import java.lang.foreign.ValueLayout;

            public final class ZooDriver implements Runnable {
                static void check(boolean ok, String what) {
                    if (!ok) {
                        throw new AssertionError(what);
                    }
                }

                @Override
                public void run() {
                    try (Arena arena = Arena.ofConfined()) {
                        check(BtfZooBpf.Zoo.LAYOUT.byteSize() == BtfZooBpf.Zoo.BYTE_SIZE, "zoo layout size");
                        check(BtfZooBpf.Ints.LAYOUT.byteSize() == BtfZooBpf.Ints.BYTE_SIZE, "ints layout size");
                        check(BtfZooBpf.Packed.BYTE_SIZE == 5, "packed size");
                        // Bitfields: a:3, b:5, c:10 (signed) in one unsigned int, d:40 in the next 8 bytes.
                        BtfZooBpf.Bits bits = BtfZooBpf.Bits.allocate(arena);
                        bits.a(5).b(17).c(-3).d(0x12_3456_789AL).tail((byte) 0x7f);
                        MemorySegment s = bits.segment();
                        check(s.get(ValueLayout.JAVA_BYTE, 0) == (byte) (5 | (17 << 3)), "a and b share byte 0");
                        int word = s.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
                        check(((word >>> 8) & 0x3ff) == ((-3) & 0x3ff), "c at bit 8: " + Integer.toHexString(word));
                        check(bits.a() == 5 && bits.b() == 17 && bits.c() == -3, "bitfields read back");
                        check(bits.d() == 0x12_3456_789AL, "40-bit field");
                        check(bits.tail() == 0x7f, "tail");
                        BtfZooBpf.Bits.Snapshot bs = bits.snapshot();
                        BtfZooBpf.Bits other = BtfZooBpf.Bits.allocate(arena);
                        bs.write(other.segment());
                        check(other.segment().mismatch(s) == -1, "bits snapshot round-trips byte for byte");
                        check(bs.equals(other.snapshot()), "snapshot equality");

                        BtfZooBpf.Zoo zoo = BtfZooBpf.Zoo.allocate(arena);
                        zoo.anonX(1).anonY(2).anonL(-1L).matrix(1, 2, 99).color(7).wide(0x123456789abcL);
                        zoo.nested().s((short) 3).ll(4L);
                        zoo.num().d(1.5);
                        zoo.bits().a(1);
                        check(zoo.segment().get(ValueLayout.JAVA_INT_UNALIGNED, zoo.matrixOffsetForTest()) == 99,
                                "matrix[1][2] is element 5");
                        check(zoo.anonC() == (byte) -1, "anonymous union members overlap");
                        check(BtfZooBpf.Color.nameOf(zoo.color()).equals("BLUE"), "enum name");
                        check(BtfZooBpf.Color.nameOf(12345) == null, "unknown enum value");
                        zoo.color(12345);
                        check(zoo.color() == 12345, "unknown enum values round-trip");
                        check(zoo.num().rawBytes().length == 8, "union raw bytes");
                        BtfZooBpf.Zoo.Snapshot zs = zoo.snapshot();
                        check(zs.matrix()[5] == 99 && zs.nested().ll() == 4L && zs.num().d() == 1.5, "zoo snapshot");
                        BtfZooBpf.Zoo copy = BtfZooBpf.Zoo.allocate(arena);
                        zs.write(copy.segment());
                        check(copy.segment().mismatch(zoo.segment()) == -1, "zoo snapshot round-trips");
                        try {
                            zoo.matrix(2, 0);
                            check(false, "index out of range accepted");
                        } catch (IndexOutOfBoundsException expected) {
                            // bounds are checked per dimension
                        }

                        BtfZooBpf.Ints ints = BtfZooBpf.Ints.allocate(arena);
                        ints.ui(-1).uc((byte) 0xff).text("hello").flag(true);
                        check(ints.uiUnsigned() == 4294967295L && ints.ucUnsigned() == 255, "unsigned helpers");
                        check(ints.text().equals("hello") && ints.textBytes().length == 16, "char array");
                        ints.u128(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0});
                        check(ints.u128Low() == 1 && ints.u128High() == 2, "128-bit halves");
                        try {
                            ints.text("0123456789abcdef");
                            check(false, "too long text accepted");
                        } catch (IllegalArgumentException expected) {
                            // 16 bytes leave no room for the NUL
                        }
                        // A record shorter than the struct: strings stop at the end of the segment.
                        MemorySegment shortRecord = arena.allocate(BtfZooBpf.Ints.BYTE_SIZE - 10);
                        BtfZooBpf.Ints partial = new BtfZooBpf.Ints().wrap(shortRecord);
                        check(partial.text().isEmpty(), "truncated text");
                    }
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    void generatedViewsMatchTheCLayout() throws Exception {
        Path object = ClangFixtures.compile(Path.of("src/test/bpf/btf_zoo.bpf.c"), work.resolve("objects"));
        String source = new SkeletonGenerator().generate(BpfObjectSpec.parse("btf_zoo.bpf.o", Files.readAllBytes(object)),
                "dev.bpfj.golden", List.of("color"));
        // The offset of matrix[1][2] inside struct zoo, from the BTF, so the driver checks the view's arithmetic.
        int matrixAt = source.indexOf("int matrix[2][3]</code> at byte ");
        String offset = source.substring(matrixAt + "int matrix[2][3]</code> at byte ".length()).split("[^0-9]")[0];
        String driver = DRIVER.replace("zoo.matrixOffsetForTest()", "(" + offset + "L + 5 * 4)");
        Path src = work.resolve("src/dev/bpfj/golden");
        Files.createDirectories(src);
        Files.writeString(src.resolve("BtfZooBpf.java"), source, StandardCharsets.UTF_8);
        Files.writeString(src.resolve("ZooDriver.java"), driver, StandardCharsets.UTF_8);
        Path classes = SkeletonGoldenTest.compile(List.of(src.resolve("BtfZooBpf.java"), src.resolve("ZooDriver.java")),
                work.resolve("classes"));
        try (URLClassLoader loader = SkeletonGoldenTest.loader(classes)) {
            Runnable run = (Runnable) loader.loadClass("dev.bpfj.golden.ZooDriver").getDeclaredConstructor().newInstance();
            run.run();
        }
    }

    @Test
    void writesOnlyWhatChangedAndRemovesStaleOutputs() throws Exception {
        Path objects = work.resolve("bpf");
        Files.createDirectories(objects);
        Path compiled = ClangFixtures.compile(Path.of("src/test/bpf/skel_kernel.bpf.c"), work.resolve("cache"));
        Files.copy(compiled, objects.resolve("skel_kernel.bpf.o"));
        SkeletonRequest request = new SkeletonRequest(objects, work.resolve("gen"), work.resolve("res"), "com.example",
                List.of("skel_event"));
        Skeletons skeletons = new Skeletons(BuildLog.silent());
        SkeletonResult first = skeletons.generate(request);
        Path source = work.resolve("gen/com/example/SkelKernelBpf.java");
        Path resource = work.resolve("res/com/example/skel_kernel.bpf.o");
        assertEquals(List.of(source), first.sources());
        assertEquals(2, first.written());
        assertTrue(Files.readString(source).startsWith("// Generated by bpfj from skel_kernel.bpf.o; do not edit.\n"));
        assertEquals(-1L, Files.mismatch(resource, compiled));
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(source, old);
        Files.setLastModifiedTime(resource, old);

        SkeletonResult second = skeletons.generate(request);
        assertEquals(0, second.written());
        assertEquals(2, second.unchanged());
        assertEquals(old, Files.getLastModifiedTime(source), "an unchanged skeleton keeps its time stamp");
        assertEquals(old, Files.getLastModifiedTime(resource));

        Files.delete(objects.resolve("skel_kernel.bpf.o"));
        SkeletonResult third = skeletons.generate(request);
        assertEquals(List.of(source, resource), third.deleted());
        assertFalse(Files.exists(source));
        assertFalse(Files.exists(resource));
        try (var left = Files.list(work.resolve("gen/com/example"))) {
            assertEquals(0, left.count(), "no temporary files left behind");
        }
    }

    @Test
    void aNoOpRunReadsNoObjectAndAChangedObjectIsReadAgain() throws Exception {
        Path objects = work.resolve("bpf");
        Files.createDirectories(objects);
        Path compiled = ClangFixtures.compile(Path.of("src/test/bpf/skel_kernel.bpf.c"), work.resolve("cache"));
        Path object = objects.resolve("skel_kernel.bpf.o");
        Files.copy(compiled, object);
        SkeletonRequest request = new SkeletonRequest(objects, work.resolve("gen"), work.resolve("res"), "com.example",
                List.of());
        Skeletons skeletons = new Skeletons(BuildLog.silent());
        assertEquals(2, skeletons.generate(request).written());
        assertTrue(Files.exists(objects.resolve(Skeletons.STATE_FILE)));

        // Same size and time stamp but unreadable content: only a run that skips parsing succeeds.
        FileTime stamp = Files.getLastModifiedTime(object);
        Files.write(object, new byte[(int) Files.size(object)]);
        Files.setLastModifiedTime(object, stamp);
        SkeletonResult noOp = skeletons.generate(request);
        assertEquals(0, noOp.written());
        assertEquals(List.of(work.resolve("gen/com/example/SkelKernelBpf.java")), noOp.sources());

        // A new time stamp (as a recompile gives) makes the run read the object again.
        Files.setLastModifiedTime(object, FileTime.fromMillis(stamp.toMillis() + 2_000));
        BpfBuildException reread = assertThrows(BpfBuildException.class, () -> skeletons.generate(request));
        assertTrue(reread.getMessage().contains("skel_kernel.bpf.o"), reread.getMessage());
        assertFalse(Files.exists(objects.resolve(Skeletons.STATE_FILE)), "a failed run leaves no state that looks current");
    }

    @Test
    void badInputIsTheUsersMistakeWithAClearMessage() throws Exception {
        Path objects = work.resolve("bpf");
        Files.createDirectories(objects);
        Files.copy(ClangFixtures.compile(Path.of("src/test/bpf/skel_kernel.bpf.c"), work.resolve("cache")),
                objects.resolve("skel_kernel.bpf.o"));
        Skeletons skeletons = new Skeletons(BuildLog.silent());
        BpfBuildException badPackage = assertThrows(BpfBuildException.class, () -> skeletons.generate(
                new SkeletonRequest(objects, work.resolve("gen"), work.resolve("res"), "com.class.x", List.of())));
        assertTrue(badPackage.getMessage().contains("'com.class.x' is not a valid Java package name"),
                badPackage.getMessage());
        BpfBuildException unknownType = assertThrows(BpfBuildException.class, () -> skeletons.generate(
                new SkeletonRequest(objects, work.resolve("gen"), work.resolve("res"), "x", List.of("no_such"))));
        assertTrue(unknownType.getMessage().contains("bpf.types names 'no_such'")
                && unknownType.getMessage().contains("skel_event"), unknownType.getMessage());
        Files.write(objects.resolve("broken.bpf.o"), new byte[] {1, 2, 3});
        BpfBuildException broken = assertThrows(BpfBuildException.class, () -> skeletons.generate(
                new SkeletonRequest(objects, work.resolve("gen"), work.resolve("res"), "x", List.of())));
        assertTrue(broken.getMessage().contains("broken.bpf.o"), broken.getMessage());
    }

    @Test
    void namesAreCamelCaseAndCollisionsGetSuffixes() {
        assertEquals("targPid", JavaNames.lowerCamel("targ_pid"));
        assertEquals("maxLen", JavaNames.lowerCamel("MAX_LEN"));
        assertEquals("pad", JavaNames.lowerCamel("__pad"));
        assertEquals("OpensnoopBpf", SkeletonGenerator.className("opensnoop.bpf.o"));
        assertEquals("TcpConnlatBpf", SkeletonGenerator.className("tcp_connlat.bpf.o"));
        JavaNames.Scope scope = new JavaNames.Scope(StructEmitter.RESERVED);
        assertEquals("class_", scope.claim("class"));
        assertEquals("wrap_", scope.claim("wrap"));
        assertEquals("fooBar", scope.claim("fooBar"));
        assertEquals("fooBar2", scope.claim("fooBar"));
        assertEquals("comm", scope.claim("comm", List.of("Bytes")));
        assertEquals("commBytes2", scope.claim("commBytes"));
    }
}
