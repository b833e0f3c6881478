package dev.bpfj.junit;

import dev.bpfj.runtime.BpfMap;
import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.OpenOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The extension behind {@link BpfTest}: opens, loads, injects and closes what {@link LoadBpf}
 * fields and parameters ask for. Use it through {@link BpfTest}, or register it with
 * {@code @ExtendWith(BpfExtension.class)} where the kernel-test privilege rules are handled otherwise.
 */
public final class BpfExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BpfExtension.class);
    private static final String LOADED = "loaded";

    /** Creates the extension; JUnit instantiates it. */
    public BpfExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field : fields(testClass)) {
            if (Modifier.isStatic(field.getModifiers())) {
                inject(context, field, null);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : fields(instance.getClass())) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    inject(context, field, instance);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException failure = closeAll(context);
        // Class-scoped objects that asked for it: back to empty maps and no links for the next test.
        for (ExtensionContext c = context.getParent().orElse(null); c != null; c = c.getParent().orElse(null)) {
            for (Loaded loaded : loaded(c)) {
                if (loaded.annotation.resetMaps()) {
                    try {
                        MapReset.reset(loaded);
                    } catch (RuntimeException e) {
                        failure = add(failure, e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RuntimeException failure = closeAll(context);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(LoadBpf.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LoadBpf annotation = parameter.findAnnotation(LoadBpf.class).orElseThrow();
        String where = "parameter " + parameter.getParameter().getName() + " of "
                + parameter.getDeclaringExecutable().getName();
        try {
            return open(context, parameter.getParameter().getType(), annotation, where).value;
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    private void inject(ExtensionContext context, Field field, Object instance) {
        LoadBpf annotation = field.getAnnotation(LoadBpf.class);
        String where = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException("@LoadBpf " + where + " must not be final: the extension assigns it");
        }
        Loaded loaded = open(context, field.getType(), annotation, where);
        try {
            field.setAccessible(true);
            field.set(instance, loaded.value);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot assign @LoadBpf " + where + ": " + e, e);
        }
    }

    /** Opens (and loads) one skeleton or object and registers it for closing with {@code context}. */
    private static Loaded open(ExtensionContext context, Class<?> type, LoadBpf annotation, String where) {
        Loaded loaded;
        if (type == BpfObject.class) {
            BpfObject object = openObject(context, annotation, where);
            loaded = new Loaded(object, object, annotation, where, () -> { });
        } else {
            if (!annotation.resource().isEmpty() || !annotation.path().isEmpty()) {
                throw new ExtensionConfigurationException("@LoadBpf " + where + " is a skeleton (" + type.getName()
                        + "), which brings its own object: remove resource/path, or declare it as BpfObject");
            }
            Object skeleton = openSkeleton(type, where);
            BpfObject object = (BpfObject) call(skeleton, "object", where);
            loaded = new Loaded(skeleton, object, annotation, where, () -> call(skeleton, "detach", where));
        }
        // Registered before load: a load that throws still gets the object closed.
        loaded(context).add(loaded);
        if (annotation.load()) {
            loaded.object.load();
        }
        return loaded;
    }

    private static BpfObject openObject(ExtensionContext context, LoadBpf annotation, String where) {
        boolean hasResource = !annotation.resource().isEmpty();
        boolean hasPath = !annotation.path().isEmpty();
        if (hasResource == hasPath) {
            throw new ExtensionConfigurationException("@LoadBpf " + where + " is a BpfObject: give exactly one of "
                    + "resource = \"/x.bpf.o\" (class path) or path = \"target/bpf/x.bpf.o\" (file)");
        }
        if (hasPath) {
            Path path = Path.of(annotation.path());
            if (!Files.isRegularFile(path)) {
                throw new ExtensionConfigurationException("@LoadBpf " + where + ": no BPF object at " + path.toAbsolutePath()
                        + " (build it first, for example with mvn bpf:compile)");
            }
            return BpfObject.open(path, OpenOptions.defaults().withObjectName(objectName(path.getFileName().toString())));
        }
        Class<?> testClass = context.getRequiredTestClass();
        String resource = annotation.resource();
        try (InputStream in = testClass.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ExtensionConfigurationException("@LoadBpf " + where + ": no class-path resource " + resource
                        + (resource.startsWith("/") ? "" : " next to " + testClass.getName())
                        + " (is the .bpf.o copied into the test class path?)");
            }
            String file = resource.substring(resource.lastIndexOf('/') + 1);
            return BpfObject.open(in.readAllBytes(), OpenOptions.defaults().withObjectName(objectName(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object resource " + resource, e);
        }
    }

    private static Object openSkeleton(Class<?> type, String where) {
        Method open;
        try {
            open = type.getMethod("open");
            type.getMethod("load");
            type.getMethod("object");
        } catch (NoSuchMethodException e) {
            throw new ExtensionConfigurationException("@LoadBpf " + where + " has type " + type.getName()
                    + ", which is neither BpfObject nor a bpfj skeleton (static open(), load(), object())");
        }
        if (!Modifier.isStatic(open.getModifiers()) || !type.isAssignableFrom(open.getReturnType())) {
            throw new ExtensionConfigurationException("@LoadBpf " + where + ": " + type.getName()
                    + ".open() is not a static factory of " + type.getSimpleName());
        }
        try {
            return open.invoke(null);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot call " + type.getName() + ".open(): " + e, e);
        }
    }

    private static Object call(Object target, String method, String where) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new ExtensionConfigurationException("@LoadBpf " + where + ": cannot call " + method + "() of "
                    + target.getClass().getName() + ": " + e, e);
        }
    }

    private static RuntimeException unwrap(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    private static String objectName(String file) {
        return file.replaceFirst("(\\.bpf)?\\.o$", "");
    }

    private static List<Field> fields(Class<?> type) {
        return AnnotationSupport.findAnnotatedFields(type, LoadBpf.class, field -> true, HierarchyTraversalMode.TOP_DOWN);
    }

    /** What {@code context} itself opened (keyed by its id: a store lookup would also find the parents'). */
    @SuppressWarnings("unchecked")
    private static List<Loaded> loaded(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(LOADED + context.getUniqueId(),
                key -> new ArrayList<Loaded>(), List.class);
    }

    /** Closes what {@code context} opened, newest first, and returns the first failure (with the rest suppressed). */
    private static RuntimeException closeAll(ExtensionContext context) {
        List<Loaded> list = loaded(context);
        RuntimeException failure = null;
        for (int i = list.size() - 1; i >= 0; i--) {
            try {
                list.get(i).close();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        list.clear();
        return failure;
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** One opened skeleton or object: what was injected, its runtime object, and how to detach its links. */
    static final class Loaded {
        final Object value;
        final BpfObject object;
        final LoadBpf annotation;
        final String where;
        final Runnable detach;

        Loaded(Object value, BpfObject object, LoadBpf annotation, String where, Runnable detach) {
            this.value = value;
            this.object = object;
            this.annotation = annotation;
            this.where = where;
            this.detach = detach;
        }

        void close() {
            try {
                unpin();
                if (value instanceof AutoCloseable closeable && value != object) {
                    closeable.close();
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing @LoadBpf " + where, e);
            } finally {
                // The object closes its readers and links too; idempotent after the skeleton's close.
                object.close();
            }
        }

        /** Removes the bpffs pins of the object's maps, made by the test or by libbpf's pin-by-name. */
        private void unpin() {
            if (object.phase() != BpfObject.Phase.LOADED) {
                return;
            }
            for (BpfMap map : object.maps()) {
                map.pinPath().filter(Files::exists).ifPresent(map::unpin);
            }
        }
    }
}
