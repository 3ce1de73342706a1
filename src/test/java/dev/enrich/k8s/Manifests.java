package dev.enrich.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.json.JsonMapper;
import dev.enrich.testing.RequiredTool;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The manifests under {@code k8s/} as a cluster would receive them: an overlay rendered by kustomize (the one built
 * into {@code kubectl}, or a standalone {@code kustomize}), or a plain file, each object bound to fabric8's typed
 * Kubernetes model. Binding fails on a kind the model does not know, and {@link #unknownFields()} lists every field
 * the model does not know (a misspelt {@code readinesProbe} would otherwise be dropped by the API server's lenient
 * decoding, or rejected only at apply time).
 */
final class Manifests {

    static final Path ROOT = Path.of("k8s");

    private static final JsonMapper MODEL = JsonMapper.builder().build();
    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    private final List<HasMetadata> objects;

    private Manifests(List<HasMetadata> objects) {
        this.objects = List.copyOf(objects);
    }

    /** Render {@code k8s/overlays/<overlay>} with kustomize and bind every object (once per test run). */
    static Manifests overlay(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> parse(kustomize(ROOT.resolve("overlays").resolve(o))));
    }

    /** Bind every object of a multi-document YAML file. */
    static Manifests file(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Load a YAML document as plain maps and lists (SnakeYAML, safe types only). */
    static Object yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    private static Manifests parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document == null) {
                continue;
            }
            KubernetesResource resource = MODEL.convertValue(document, KubernetesResource.class);
            assertThat(resource).as("%s", document).isInstanceOf(HasMetadata.class)
                    .isNotInstanceOf(GenericKubernetesResource.class);
            objects.add((HasMetadata) resource);
        }
        return new Manifests(objects);
    }

    private static String kustomize(Path dir) {
        List<String> command = onPath("kubectl") ? List.of("kubectl", "kustomize", dir.toString())
                : onPath("kustomize") ? List.of("kustomize", "build", dir.toString()) : List.of();
        RequiredTool.assume(!command.isEmpty(), "kubectl (or kustomize)",
                "the machine image's kubectl (Google Cloud CLI's, with kustomize v5 built in)",
                "K8sManifestsTest", RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_K8S_TESTS")),
                "CI or ENRICH_K8S_TESTS=required");
        try {
            Path errors = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(1, TimeUnit.MINUTES);
            String err = Files.readString(errors);
            Files.delete(errors);
            assertThat(process.exitValue()).as("%s failed: %s", command, err).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    /** Return every object. */
    List<HasMetadata> all() {
        return objects;
    }

    /** Return every object of {@code type}. */
    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Return the object of {@code type} named {@code name}, if there is one. */
    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    /** Return the object of {@code type} named {@code name}; fail if there is none. */
    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                + " in " + objects.stream().map(Manifests::describe).toList()));
    }

    /** Return the service's Deployment. */
    Deployment server() {
        return one(Deployment.class, "enrich");
    }

    /** Return the pod spec of the service's Deployment. */
    PodSpec serverPod() {
        return server().getSpec().getTemplate().getSpec();
    }

    /** Return the service's container. */
    Container serverContainer() {
        return serverPod().getContainers().stream()
                .filter(c -> c.getName().equals("enrich")).findFirst().orElseThrow();
    }

    /** Return the pod template of every workload (Deployment, StatefulSet, Job), by "Kind/name". */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new TreeMap<>();
        all(Deployment.class).forEach(d -> templates.put(describe(d), d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> templates.put(describe(s), s.getSpec().getTemplate()));
        all(Job.class).forEach(j -> templates.put(describe(j), j.getSpec().getTemplate()));
        return templates;
    }

    /** Return "path: names" for every field of every object that the typed model did not recognise. */
    List<String> unknownFields() {
        List<String> unknown = new ArrayList<>();
        objects.forEach(o -> collectUnknown(o, describe(o), unknown));
        return unknown;
    }

    static String describe(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }

    private static void collectUnknown(Object value, String path, List<String> unknown) {
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknown(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null; // a derived value (Quantity's numerical amount of an odd unit), not a field
        }
    }
}
