package dev.bpfj.examples.opensnoop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's entry point, compiled for Java 8 so that any JVM a user may have can load it: on a
 * JVM older than {@value #NEEDED} it says which Java is needed and how to run the tool with it
 * (instead of an {@code UnsupportedClassVersionError} about {@code Opensnoop}); on a new enough
 * one it hands the arguments to {@code Opensnoop.main}, looked up reflectively so that this class
 * refers to nothing compiled for a newer release.
 */
public final class Main {

    /** The oldest Java the tool runs on: the final {@code java.lang.foreign} API. */
    static final int NEEDED = 22;

    private static final String TOOL = "dev.bpfj.examples.opensnoop.Opensnoop";

    private Main() {
    }

    /**
     * Checks the running Java, then runs opensnoop.
     *
     * @param args the command-line arguments, passed on unchanged
     * @throws Throwable whatever opensnoop's main throws, unwrapped
     */
    public static void main(String[] args) throws Throwable {
        int running = feature(System.getProperty("java.specification.version"));
        if (running < NEEDED) {
            System.err.print(tooOld(running, System.getProperty("java.home")));
            System.exit(1);
            return;
        }
        Method main = Class.forName(TOOL).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * The feature version of a {@code java.specification.version}: {@code "1.8"} is 8,
     * {@code "17"} is 17.
     *
     * @param specification the property's value; null or unreadable counts as new enough
     * @return the feature version
     */
    static int feature(String specification) {
        if (specification == null) {
            return Integer.MAX_VALUE;
        }
        String version = specification.startsWith("1.") ? specification.substring(2) : specification;
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(version.substring(0, end));
    }

    /**
     * What to tell the user of a JVM that is too old.
     *
     * @param running  the running feature version
     * @param javaHome the running JVM's home
     * @return the message, lines ending with a newline
     */
    static String tooOld(int running, String javaHome) {
        String nl = System.lineSeparator();
        return "opensnoop: needs Java " + NEEDED + " or newer; this is Java " + running
                + (javaHome == null ? "" : " (" + javaHome + ")") + "." + nl
                + "Run it with a newer JDK: /path/to/jdk-" + NEEDED + "+/bin/java -jar opensnoop.jar [OPTION...]," + nl
                + "or use the launcher examples/opensnoop/opensnoop, which finds one in JAVA_HOME, on PATH" + nl
                + "or under /usr/lib/jvm. No JDK " + NEEDED + "+ installed? Temurin 25 from" + nl
                + "https://adoptium.net/installation/linux/, or your distribution's openjdk-25-jdk-headless." + nl;
    }
}
