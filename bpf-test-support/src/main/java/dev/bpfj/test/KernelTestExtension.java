package dev.bpfj.test;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Decides whether a {@link KernelTest} can run here. In "auto" mode a missing facility disables
 * the test with the reason; in "required" mode (CI) the test is left enabled and fails before it
 * starts, naming the same reason.
 */
public final class KernelTestExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {

    /** Creates the extension; JUnit instantiates it through {@link KernelTest}. */
    public KernelTestExtension() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return evaluate(missing(context), KernelEnvironment.required());
    }

    static ConditionEvaluationResult evaluate(List<String> missing, boolean required) {
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("kernel facilities present");
        }
        if (required) {
            return ConditionEvaluationResult.enabled("kernel tests are required; failing instead of skipping");
        }
        return ConditionEvaluationResult.disabled("kernel test skipped: " + String.join("; ", missing)
                + " (set CI=true or -Dbpf.kernelTests=required to make this a failure)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failIfRequiredAndMissing(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failIfRequiredAndMissing(context);
    }

    private static void failIfRequiredAndMissing(ExtensionContext context) {
        failure(missing(context), KernelEnvironment.required(), KernelEnvironment.requiredBecause())
                .ifPresent(message -> {
                    throw new AssertionError(message);
                });
    }

    static Optional<String> failure(List<String> missing, boolean required, String because) {
        if (missing.isEmpty() || !required) {
            return Optional.empty();
        }
        return Optional.of("kernel test cannot run but kernel tests are required (" + because + "): "
                + String.join("; ", missing));
    }

    private static List<String> missing(ExtensionContext context) {
        Set<KernelTest.Facility> needs = new LinkedHashSet<>();
        collect(context.getTestClass(), needs);
        collect(context.getTestMethod(), needs);
        List<String> missing = new ArrayList<>(KernelEnvironment.basicProblems());
        for (KernelTest.Facility facility : needs) {
            KernelEnvironment.problem(facility).ifPresent(missing::add);
        }
        return missing;
    }

    private static void collect(Optional<? extends AnnotatedElement> element, Set<KernelTest.Facility> needs) {
        element.flatMap(e -> AnnotationSupport.findAnnotation(e, KernelTest.class))
                .ifPresent(a -> needs.addAll(List.of(a.needs())));
    }
}
