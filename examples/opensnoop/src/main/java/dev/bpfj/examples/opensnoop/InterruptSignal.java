package dev.bpfj.examples.opensnoop;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes Ctrl-C stop the tool even when the process started with SIGINT ignored.
 *
 * <p>A shell that runs a command in the background of a non-interactive script ({@code tool &}
 * in {@code sh -c}, or after {@code trap '' INT}) starts it with SIGINT ignored, and the JVM keeps
 * an inherited "ignore": it installs no handler of its own, so the shutdown hooks never run on
 * Ctrl-C, and {@code sun.misc.Signal.handle} refuses too (it answers {@code SIG_IGN} and changes
 * nothing). The C tool, which installs its handler with {@code signal(2)}, stops anyway. So this
 * class first resets the disposition to the default with libc's {@code signal(2)} (through
 * {@code java.lang.foreign}), and then registers a handler that exits the JVM with
 * 128 + SIGINT, as the JVM's own handler does, which runs the shutdown hooks.
 *
 * <p>{@code sun.misc.Signal} is reached reflectively: javac warns on every direct use of it
 * ("internal proprietary API") and that warning cannot be suppressed, while the module
 * {@code jdk.unsupported} exports it to every class, so reflection needs no extra flags.
 */
final class InterruptSignal {

    static final int SIGINT = 2;

    private InterruptSignal() {
    }

    /**
     * Whether this process has SIGINT ignored, from the {@code SigIgn} mask in
     * {@code /proc/self/status}.
     *
     * @return true when SIGINT is ignored; false when it is not or it cannot be told
     */
    static boolean ignored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return new BigInteger(line.substring("SigIgn:".length()).trim(), 16).testBit(SIGINT - 1);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /**
     * When SIGINT is ignored, takes it back: Ctrl-C then exits the JVM with status 130 through its
     * shutdown hooks. Does nothing when SIGINT is not ignored (the JVM already handles it).
     *
     * @return null when SIGINT stops the tool, else why it does not (for a warning)
     */
    static String handleEvenIfIgnored() {
        if (!ignored()) {
            return null;
        }
        try {
            resetToDefault();
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("INT");
            InvocationHandler onSignal = InterruptSignal::onSignal;
            Object handler = Proxy.newProxyInstance(InterruptSignal.class.getClassLoader(),
                    new Class<?>[] {handlerClass}, onSignal);
            Object previous = signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            if ("SIG_IGN".equals(String.valueOf(previous))) {
                return "SIGINT is still ignored";
            }
            return null;
        } catch (Throwable e) {
            return "cannot take back the ignored SIGINT (" + e + ")";
        }
    }

    private static Object onSignal(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "handle" -> {
                // like the JVM's own handler: the shutdown hooks run, the status says which signal
                System.exit(128 + SIGINT);
                return null;
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "equals" -> {
                return proxy == args[0];
            }
            case "toString" -> {
                return "opensnoop SIGINT handler";
            }
            default -> throw new UnsupportedOperationException(method.getName());
        }
    }

    /** {@code signal(SIGINT, SIG_DFL)}. */
    @SuppressWarnings("restricted")
    private static void resetToDefault() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MemorySegment function = linker.defaultLookup().find("signal")
                .orElseThrow(() -> new IllegalStateException("libc has no signal()"));
        MethodHandle signal = linker.downcallHandle(function,
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MemorySegment previous = (MemorySegment) signal.invokeExact(SIGINT, MemorySegment.NULL);
        if (previous.address() == -1) {
            throw new IllegalStateException("signal(SIGINT, SIG_DFL) failed");
        }
    }
}
