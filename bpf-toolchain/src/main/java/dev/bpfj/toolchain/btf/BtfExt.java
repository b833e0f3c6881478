package dev.bpfj.toolchain.btf;

import dev.bpfj.toolchain.BpfFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed {@code .BTF.ext} section of a BPF object: per code section, the function info
 * (which BTF function starts at which instruction), line info (source file, line, column and the
 * line's text for each instruction that starts a line) and CO-RE relocations. Its strings live in
 * the {@code .BTF} section, so parsing needs the object's {@link Btf}.
 */
public final class BtfExt {

    private static final int HEADER_MIN = 24;
    private static final int HEADER_WITH_CORE = 32;
    private static final int FUNC_INFO_MIN = 8;
    private static final int LINE_INFO_MIN = 16;
    private static final int CORE_RELO_MIN = 16;

    private final List<BtfFuncInfo> funcInfos;
    private final List<BtfLineInfo> lineInfos;
    private final List<BtfCoreRelocation> coreRelocations;

    private BtfExt(List<BtfFuncInfo> funcInfos, List<BtfLineInfo> lineInfos, List<BtfCoreRelocation> coreRelocations) {
        this.funcInfos = Collections.unmodifiableList(funcInfos);
        this.lineInfos = Collections.unmodifiableList(lineInfos);
        this.coreRelocations = Collections.unmodifiableList(coreRelocations);
    }

    /**
     * Parses a {@code .BTF.ext} section.
     *
     * @param fileName    the object's name, for messages
     * @param section     the section contents from position to limit
     * @param sectionName the section's name, for messages (normally {@code ".BTF.ext"})
     * @param fileOffset  where the section starts in the file, for messages
     * @param btf         the object's BTF, whose string section the records refer to
     * @return the parsed section
     * @throws BpfFormatException if the section is malformed or refers to missing strings or types
     */
    public static BtfExt parse(String fileName, ByteBuffer section, String sectionName, long fileOffset, Btf btf)
            throws BpfFormatException {
        Objects.requireNonNull(btf, "btf");
        byte[] bytes = new byte[section.remaining()];
        section.duplicate().get(bytes);
        BtfReader in = new BtfReader(Objects.requireNonNull(fileName, "fileName"), sectionName, fileOffset, bytes, 0,
                bytes.length);
        long headerLength = in.readCommonHeader("BTF.ext", HEADER_MIN);
        // One parser method per record kind rather than a lambda each: a lambda's first use costs a fresh
        // JVM (the Maven build that reads every object) about a millisecond.
        Parser parser = new Parser(in, btf, headerLength);
        parser.records(8, "func_info", FUNC_INFO_MIN, Parser.FUNC_INFO);
        parser.records(16, "line_info", LINE_INFO_MIN, Parser.LINE_INFO);
        if (headerLength >= HEADER_WITH_CORE) {
            parser.records(24, "core_relo", CORE_RELO_MIN, Parser.CORE_RELO);
        }
        List<BtfFuncInfo> funcs = parser.funcs;
        List<BtfLineInfo> lines = parser.lines;
        List<BtfCoreRelocation> relos = parser.relos;
        return new BtfExt(funcs, lines, relos);
    }

    /** @return every function info record, grouped by section in file order */
    public List<BtfFuncInfo> funcInfos() {
        return funcInfos;
    }

    /**
     * Returns the function info records of one code section.
     *
     * @param section the code section's name
     * @return its records in file order (by instruction offset, as clang writes them)
     */
    public List<BtfFuncInfo> funcInfos(String section) {
        List<BtfFuncInfo> result = new ArrayList<>();
        for (BtfFuncInfo info : funcInfos) {
            if (info.section().equals(section)) {
                result.add(info);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** @return every line info record, grouped by section in file order */
    public List<BtfLineInfo> lineInfos() {
        return lineInfos;
    }

    /**
     * Returns the line info records of one code section.
     *
     * @param section the code section's name
     * @return its records in file order
     */
    public List<BtfLineInfo> lineInfos(String section) {
        List<BtfLineInfo> result = new ArrayList<>();
        for (BtfLineInfo info : lineInfos) {
            if (info.section().equals(section)) {
                result.add(info);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** @return every CO-RE relocation, grouped by section in file order */
    public List<BtfCoreRelocation> coreRelocations() {
        return coreRelocations;
    }

    /**
     * Returns the CO-RE relocations of one code section.
     *
     * @param section the code section's name
     * @return its relocations in file order
     */
    public List<BtfCoreRelocation> coreRelocations(String section) {
        List<BtfCoreRelocation> result = new ArrayList<>();
        for (BtfCoreRelocation relocation : coreRelocations) {
            if (relocation.section().equals(section)) {
                result.add(relocation);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** @return the names of the code sections that have any record, in first-seen order */
    public Set<String> sections() {
        Set<String> names = new LinkedHashSet<>();
        for (BtfFuncInfo info : funcInfos) {
            names.add(info.section());
        }
        for (BtfLineInfo info : lineInfos) {
            names.add(info.section());
        }
        for (BtfCoreRelocation relocation : coreRelocations) {
            names.add(relocation.section());
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public String toString() {
        return "BtfExt[" + funcInfos.size() + " func_info, " + lineInfos.size() + " line_info, "
                + coreRelocations.size() + " core_relo]";
    }

    /** Walks the three info blocks, each a record size followed by per-section groups. */
    private static final class Parser {
        private final BtfReader in;
        private final Btf btf;
        private final long headerLength;
        static final int FUNC_INFO = 0;
        static final int LINE_INFO = 1;
        static final int CORE_RELO = 2;
        final List<BtfFuncInfo> funcs = new ArrayList<>();
        final List<BtfLineInfo> lines = new ArrayList<>();
        final List<BtfCoreRelocation> relos = new ArrayList<>();

        Parser(BtfReader in, Btf btf, long headerLength) {
            this.in = in;
            this.btf = btf;
            this.headerLength = headerLength;
        }

        void records(long headerField, String what, int minRecordSize, int kind)
                throws BpfFormatException {
            long offset = in.u32(headerField);
            long length = in.u32(headerField + 4);
            if (length == 0) {
                return;
            }
            long start = headerLength + offset;
            long end = start + length;
            if (end > in.length) {
                throw in.fail(headerField, what + " block (offset " + offset + ", length " + length
                        + ") extends past the end of the " + in.length + "-byte section");
            }
            long recordSize = in.u32(start);
            if (recordSize < minRecordSize || recordSize > length || recordSize % 4 != 0) {
                throw in.fail(start, what + " record size " + recordSize + " is invalid (at least " + minRecordSize
                        + ", a multiple of 4)");
            }
            long at = start + 4;
            while (at < end) {
                if (end - at < 8) {
                    throw in.fail(at, "truncated " + what + " section header");
                }
                String section = string(in.u32(at), at);
                long count = in.u32(at + 4);
                at += 8;
                // The count is checked against the bytes that remain before any record is read.
                if (count > (end - at) / recordSize) {
                    throw in.fail(at - 4, what + " for section " + section + " claims " + count + " records of "
                            + recordSize + " bytes but only " + (end - at) + " bytes remain");
                }
                for (long i = 0; i < count; i++) {
                    record(kind, section, at);
                    at += recordSize;
                }
            }
        }

        /** Reads one record of {@code kind} at {@code at}, of code section {@code sec}. */
        private void record(int kind, String sec, long at) throws BpfFormatException {
            switch (kind) {
                case FUNC_INFO -> {
                    int typeId = typeId(in.u32(at + 4), at + 4);
                    if (!(btf.type(typeId) instanceof BtfFunc)) {
                        throw in.fail(at + 4, "func_info refers to BTF type " + typeId + ", which is not a function");
                    }
                    funcs.add(new BtfFuncInfo(sec, in.u32(at), typeId));
                }
                case LINE_INFO -> {
                    long lineCol = in.u32(at + 12);
                    lines.add(new BtfLineInfo(sec, in.u32(at), string(in.u32(at + 4), at + 4),
                            string(in.u32(at + 8), at + 8), (int) (lineCol >>> 10), (int) (lineCol & 0x3ff)));
                }
                default -> relos.add(new BtfCoreRelocation(sec, in.u32(at), typeId(in.u32(at + 4), at + 4),
                        string(in.u32(at + 8), at + 8), (int) in.u32(at + 12)));
            }
        }

        String string(long offset, long referencedAt) throws BpfFormatException {
            Optional<String> text = btf.string(offset);
            if (text.isEmpty()) {
                throw in.fail(referencedAt, "string offset " + offset + " is outside the .BTF string section");
            }
            return text.get();
        }

        int typeId(long raw, long at) throws BpfFormatException {
            if (raw >= btf.typeCount()) {
                throw in.fail(at, "BTF type " + raw + " does not exist (the highest id is " + (btf.typeCount() - 1)
                        + ")");
            }
            return (int) raw;
        }
    }
}
