package dev.bpfj.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects an opened and loaded BPF skeleton or {@link dev.bpfj.runtime.BpfObject} into a field or
 * a test method parameter of a {@link BpfTest} class.
 *
 * <ul>
 *   <li>A field or parameter of a generated skeleton type ({@code FooBpf}, anything with a static
 *       {@code open()} and a {@code load()}) is opened with {@code FooBpf.open()} and loaded.</li>
 *   <li>A {@code BpfObject} is opened from {@link #resource()} (on the test class path, relative to
 *       the test class unless it starts with {@code /}) or {@link #path()}, and loaded.</li>
 * </ul>
 *
 * <p>A {@code static} field lives for the test class: it is loaded before {@code @BeforeAll}
 * methods and closed after {@code @AfterAll}. An instance field or a parameter lives for one test:
 * loaded before {@code @BeforeEach} methods, closed after {@code @AfterEach}. Closing removes the
 * bpffs pins of the object's maps, then closes the readers, links and the object, also when the
 * test failed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface LoadBpf {

    /** The object as a class-path resource, for a {@code BpfObject}; relative to the test class unless it starts with {@code /}. */
    String resource() default "";

    /** The object as a file, for a {@code BpfObject}; relative paths resolve against the working directory. */
    String path() default "";

    /**
     * Whether to load after opening (default). Off, the test gets the opened object, sets its
     * rodata or map sizes and calls {@code load()} itself; closing is still the extension's job.
     */
    boolean load() default true;

    /**
     * For a {@code static} field: after each test detach the links the test made and empty the
     * maps (hash maps lose their keys, arrays are zeroed, ring buffers drained; global sections
     * and maps of other kinds are left alone), so tests do not see each other's counts.
     */
    boolean resetMaps() default false;
}
