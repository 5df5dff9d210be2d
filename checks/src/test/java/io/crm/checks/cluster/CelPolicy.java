package io.crm.checks.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * Evaluates a ValidatingAdmissionPolicy offline, as the API server would: its variables, then each validation, with
 * {@code object} bound to the manifest (standard CEL macros: all, exists, has, ...). Only objects matched by the
 * policy's resourceRules are checked.
 */
final class CelPolicy {

    record Rule(String expression, String message, CelRuntime.Program program) {
    }

    record Variable(String name, CelRuntime.Program program) {
    }

    private final List<Variable> variables = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<List<String>> matchRules = new ArrayList<>();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN)
            .addVar("variables", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    @SuppressWarnings("unchecked")
    CelPolicy(Map<String, Object> policy) {
        if (!"ValidatingAdmissionPolicy".equals(policy.get("kind"))) {
            throw new IllegalArgumentException("not a ValidatingAdmissionPolicy: " + policy.get("kind"));
        }
        for (Map<String, Object> v : CrdRules.maps(Yq.get(policy, "spec.variables"))) {
            variables.add(new Variable((String) v.get("name"), compile((String) v.get("expression"))));
        }
        for (Map<String, Object> v : CrdRules.maps(Yq.get(policy, "spec.validations"))) {
            String expr = (String) v.get("expression");
            rules.add(new Rule(expr, (String) v.get("message"), compile(expr)));
        }
        for (Map<String, Object> r : CrdRules.maps(Yq.get(policy, "spec.matchConstraints.resourceRules"))) {
            for (Object group : (List<Object>) r.get("apiGroups")) {
                for (Object resource : (List<Object>) r.get("resources")) {
                    matchRules.add(List.of(String.valueOf(group), String.valueOf(resource)));
                }
            }
        }
    }

    static CelRuntime.Program compile(String expression) {
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            return RUNTIME.createProgram(ast);
        } catch (Exception e) {
            throw new AssertionError("CEL does not compile: " + expression + "\n" + e.getMessage(), e);
        }
    }

    List<Rule> rules() {
        return rules;
    }

    boolean matches(Map<String, Object> obj) {
        String apiVersion = String.valueOf(obj.get("apiVersion"));
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String resource = String.valueOf(obj.get("kind")).toLowerCase() + "s";
        return matchRules.contains(List.of(group, resource));
    }

    /** Messages of the validations the object fails (an evaluation error counts as a failure, as failurePolicy Fail). */
    List<String> violations(Map<String, Object> obj) {
        List<String> out = new ArrayList<>();
        Object object = toCel(obj);
        Map<String, Object> vars = new LinkedHashMap<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("object", object);
        input.put("variables", vars);
        try {
            for (Variable v : variables) {
                vars.put(v.name(), v.program().eval(input));
            }
        } catch (Exception e) {
            out.add("variables: " + e.getMessage());
            return out;
        }
        for (Rule rule : rules) {
            try {
                if (!Boolean.TRUE.equals(rule.program().eval(input))) {
                    out.add(rule.message());
                }
            } catch (Exception e) {
                out.add(rule.message() + " (evaluation error: " + e.getMessage() + ")");
            }
        }
        return out;
    }

    /** CEL's integers are 64-bit: widen YAML ints; maps and lists keep their structure. */
    static Object toCel(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), toCel(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(CelPolicy::toCel).toList();
        }
        return v;
    }
}
