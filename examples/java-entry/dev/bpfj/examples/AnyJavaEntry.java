package dev.bpfj.examples;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * The entry point of every example jar, compiled for Java 8 so that any JVM a user may have can
 * load it: on a JVM older than {@value #NEEDED} it says which Java the tool needs and how to run it
 * with one (instead of an {@code UnsupportedClassVersionError} naming a class of the tool); on a new
 * enough one it hands the arguments to the tool's main class, looked up reflectively so that this
 * class refers to nothing compiled for a newer release. The jar's manifest names the tool:
 * {@code Bpfj-Tool-Class} (its main class), {@code Implementation-Title} (its name) and, optionally,
 * {@code Bpfj-Tool-Launcher} (a script that finds a new enough Java by itself).
 */
public final class AnyJavaEntry {

    /** The oldest Java the tools run on: the final {@code java.lang.foreign} API. */
    static final int NEEDED = 22;

    static final String TOOL_CLASS = "Bpfj-Tool-Class";
    static final String TOOL_LAUNCHER = "Bpfj-Tool-Launcher";

    private AnyJavaEntry() {
    }

    /**
     * Checks the running Java, then runs the tool the manifest names.
     *
     * @param args the command-line arguments, passed on unchanged
     * @throws Throwable whatever the tool's main throws, unwrapped
     */
    public static void main(String[] args) throws Throwable {
        Attributes manifest = manifest();
        String name = manifest.getValue(Attributes.Name.IMPLEMENTATION_TITLE);
        String tool = manifest.getValue(TOOL_CLASS);
        if (name == null || tool == null) {
            System.err.println("bpfj: this jar's manifest names no tool (" + TOOL_CLASS + ", Implementation-Title): "
                    + "rebuild it with ./mvnw package");
            System.exit(2);
            return;
        }
        int running = feature(System.getProperty("java.specification.version"));
        if (running < NEEDED) {
            System.err.print(tooOld(name, manifest.getValue(TOOL_LAUNCHER), running, System.getProperty("java.home")));
            System.exit(1);
            return;
        }
        Method main = Class.forName(tool).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The main attributes of the manifest of the jar this class was loaded from (empty when none). */
    private static Attributes manifest() throws IOException {
        String self = AnyJavaEntry.class.getName().replace('.', '/') + ".class";
        URL classUrl = AnyJavaEntry.class.getClassLoader().getResource(self);
        Enumeration<URL> manifests = AnyJavaEntry.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        String jar = classUrl == null ? null : classUrl.toString().replace(self, "");
        while (manifests.hasMoreElements()) {
            URL url = manifests.nextElement();
            if (jar == null || url.toString().startsWith(jar)) {
                InputStream in = url.openStream();
                try {
                    return new Manifest(in).getMainAttributes();
                } finally {
                    in.close();
                }
            }
        }
        return new Attributes();
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
     * @param name     the tool's name, which is also its jar's ({@code opensnoop} runs from {@code opensnoop.jar})
     * @param launcher a script that finds a new enough Java, or null
     * @param running  the running feature version
     * @param javaHome the running JVM's home
     * @return the message, lines ending with a newline
     */
    static String tooOld(String name, String launcher, int running, String javaHome) {
        String nl = System.lineSeparator();
        StringBuilder text = new StringBuilder();
        text.append(name).append(": needs Java ").append(NEEDED).append(" or newer; this is Java ").append(running)
                .append(javaHome == null ? "" : " (" + javaHome + ")").append('.').append(nl)
                .append("Run it with a newer JDK: /path/to/jdk-").append(NEEDED).append("+/bin/java -jar ").append(name)
                .append(".jar [ARGUMENT...]");
        if (launcher == null || launcher.trim().isEmpty()) {
            text.append('.').append(nl);
        } else {
            text.append(',').append(nl).append("or use the launcher ").append(launcher.trim())
                    .append(", which finds one in JAVA_HOME, on PATH").append(nl).append("or under /usr/lib/jvm.").append(nl);
        }
        text.append("No JDK ").append(NEEDED).append("+ installed? Temurin 25 from").append(nl)
                .append("https://adoptium.net/installation/linux/, or your distribution's openjdk-25-jdk-headless.")
                .append(nl);
        return text.toString();
    }
}
