package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.net.URLClassLoader;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bitfield accessors of generated views, on little- and big-endian objects, against clang: the
 * fixture's initialised struct is read from its {@code .data} bytes, and writing the same values
 * into zeroed memory must give exactly those bytes. Bitfield accessors work a byte at a time in
 * the object's bit order, so both orders run on any host.
 */
class SkeletonByteOrderTest {

    private static final String DRIVER = """
            package dev.bpfj.order;

            import java.lang.foreign.Arena;
            import java.lang.foreign.MemorySegment;

            public final class OrderDriver implements Runnable {
                static final byte[] C_BYTES = {@BYTES@};

                static void check(boolean ok, String what) {
                    if (!ok) {
                        throw new AssertionError(what);
                    }
                }

                @Override
                public void run() {
                    BitfieldDataBpf.Flags fromC = new BitfieldDataBpf.Flags().wrap(MemorySegment.ofArray(C_BYTES));
                    check(fromC.a() == 5, "a " + fromC.a());
                    check(fromC.b() == 17, "b " + fromC.b());
                    check(fromC.c() == -3, "c " + fromC.c());
                    check(fromC.d() == 0x123456789aL, "d " + Long.toHexString(fromC.d()));
                    check(fromC.tail() == 0x7f, "tail " + fromC.tail());
                    check(fromC.on(), "on");
                    check(fromC.e() == -0x100000000L, "e " + fromC.e());
                    check(fromC.f() == 0x155, "f " + fromC.f());
                    try (Arena arena = Arena.ofConfined()) {
                        BitfieldDataBpf.Flags written = BitfieldDataBpf.Flags.allocate(arena);
                        written.a(5).b(17).c(-3).d(0x123456789aL).tail((byte) 0x7f).on(true).e(-0x100000000L)
                                .f((short) 0x155);
                        long mismatch = written.segment().mismatch(MemorySegment.ofArray(C_BYTES));
                        check(mismatch == -1, "written bytes differ from clang's at byte " + mismatch);
                    }
                }
            }
            """;

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"bpfel", "bpfeb"})
    void bitfieldsReadAndWriteTheCompilersBytes(String target) throws Exception {
        Path object = ClangFixtures.compile(Path.of("src/test/bpf/bitfield_data.bpf.c"), work.resolve("objects"),
                List.of("-target", target));
        byte[] bytes = Files.readAllBytes(object);
        BpfObjectSpec spec = BpfObjectSpec.parse("bitfield_data.bpf.o", bytes);
        assertEquals(target.equals("bpfeb") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, spec.byteOrder());
        byte[] data = ElfFile.parse("bitfield_data.bpf.o", bytes).section(".data").orElseThrow().bytes();
        String source = new SkeletonGenerator().generate(spec, "dev.bpfj.order", List.of());
        String flags = source.substring(source.indexOf("class Flags"));
        int size = Integer.parseInt(flags.split("public static final long BYTE_SIZE = ")[1].split("L;")[0]);
        StringJoiner literal = new StringJoiner(", ");
        for (int i = 0; i < size; i++) {
            literal.add(Byte.toString(data[i]));
        }
        Path src = work.resolve("src/dev/bpfj/order");
        Files.createDirectories(src);
        Files.writeString(src.resolve("BitfieldDataBpf.java"), source, StandardCharsets.UTF_8);
        Files.writeString(src.resolve("OrderDriver.java"), DRIVER.replace("@BYTES@", literal.toString()),
                StandardCharsets.UTF_8);
        Path classes = SkeletonGoldenTest.compile(List.of(src.resolve("BitfieldDataBpf.java"),
                src.resolve("OrderDriver.java")), work.resolve("classes"));
        try (URLClassLoader loader = SkeletonGoldenTest.loader(classes)) {
            ((Runnable) loader.loadClass("dev.bpfj.order.OrderDriver").getDeclaredConstructor().newInstance()).run();
        }
    }
}
