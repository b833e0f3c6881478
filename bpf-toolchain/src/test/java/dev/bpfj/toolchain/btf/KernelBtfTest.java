package dev.bpfj.toolchain.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelEnvironment;
import dev.bpfj.toolchain.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The running kernel's BTF, the biggest real BTF there is, against bpftool's dump of it. Needs
 * only the file, not root; it must be there under CI.
 */
class KernelBtfTest {

    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static final Pattern TYPE_LINE = Pattern.compile("^\\[(\\d+)] (STRUCT|UNION|INT|ENUM|ENUM64|FLOAT) '([^']*)' size=(\\d+)");

    @Test
    void readsVmlinuxLikeBpftool() throws Exception {
        if (!Files.isReadable(VMLINUX)) {
            String reason = "requires kernel BTF at " + VMLINUX + " (CONFIG_DEBUG_INFO_BTF=y)";
            if (KernelEnvironment.required()) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
        Btf btf = Btf.read(VMLINUX);
        String dump = Fixtures.run("bpftool", "btf", "dump", "file", VMLINUX.toString());
        int types = 0;
        int sized = 0;
        for (String line : (Iterable<String>) dump.lines()::iterator) {
            if (!line.startsWith("[")) {
                continue;
            }
            types++;
            Matcher m = TYPE_LINE.matcher(line);
            if (m.find()) {
                int id = Integer.parseInt(m.group(1));
                BtfType type = btf.type(id);
                assertEquals(m.group(3).equals("(anon)") ? "" : m.group(3), type.name(), line);
                assertEquals(Long.parseLong(m.group(4)), btf.sizeOf(id), line);
                sized++;
            }
        }
        assertEquals(types, btf.typeCount() - 1);
        assertTrue(sized > 1000, "compared " + sized + " sizes");
        BtfStruct task = (BtfStruct) btf.typeNamed("task_struct", BtfKind.STRUCT).orElseThrow();
        assertTrue(task.member("pid").isPresent());
        assertEquals("int", btf.resolve(task.member("pid").orElseThrow().typeId()).name());
        assertTrue(btf.typesNamed("bpf_map_lookup_elem").stream().anyMatch(t -> t instanceof BtfFunc));
    }
}
