package dev.enrich.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes manifests agree with the application and the image: each overlay is rendered with kustomize and
 * bound to fabric8's typed model; probes, ports and paths come from application.yml's settings; the image is the one
 * Jib builds; the grace period covers preStop, the drain and the web server's shutdown; every container is limited
 * and locked down. What kustomize cannot check (a setting the service would not bind, a Secret key that no template
 * names) is checked here too.
 */
class K8sManifestsTest {

    private static final Duration MARGIN = Duration.ofSeconds(5);

    /** An overlay rendered, and the settings its server container starts with. */
    record Overlay(String name, Manifests manifests, AppSettings settings) {

        static Overlay of(String name) {
            Manifests manifests = Manifests.overlay(name);
            return new Overlay(name, manifests, AppSettings.of(manifests));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Overlay> overlays() {
        return Stream.of("single", "scaled").map(Overlay::of);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectBindsToTheTypedKubernetesModelWithNoUnknownField(Overlay overlay) {
        Manifests manifests = overlay.manifests();

        assertThat(manifests.all()).extracting(HasMetadata::getKind).contains("Deployment", "Service", "ConfigMap",
                "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy", "HorizontalPodAutoscaler");
        assertThat(manifests.unknownFields()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesPortsAndPathsMatchTheApplicationsSettings(Overlay overlay) {
        Manifests manifests = overlay.manifests();
        AppSettings settings = overlay.settings();
        Container server = manifests.serverContainer();
        int port = settings.get("server.port", Integer.class);
        String actuator = settings.find("management.endpoints.web.base-path", String.class).orElse("/actuator");

        assertThat(settings.find("management.server.port", Integer.class)).as("actuator on the server's port")
                .isEmpty();
        assertThat(settings.get("management.endpoint.health.probes.enabled", Boolean.class)).isTrue();
        assertThat(server.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .containsExactly(tuple("http", port));
        assertThat(httpGet(server, server.getStartupProbe())).isEqualTo(port + " " + actuator + "/health/liveness");
        assertThat(httpGet(server, server.getLivenessProbe())).isEqualTo(port + " " + actuator + "/health/liveness");
        assertThat(httpGet(server, server.getReadinessProbe())).isEqualTo(port + " " + actuator + "/health/readiness");

        Map<String, String> scrape = manifests.server().getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(scrape).containsEntry("prometheus.io/port", String.valueOf(port))
                .containsEntry("prometheus.io/path", actuator + "/prometheus");
        assertThat(settings.get("management.endpoints.web.exposure.include", String[].class))
                .contains("health", "prometheus");

        Service service = manifests.one(Service.class, "enrich");
        assertThat(service.getSpec().getSelector())
                .isEqualTo(manifests.server().getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName, p -> p.getTargetPort().getStrVal())
                .containsExactly(tuple("http", "http"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theImageIsTheOneJibBuildsAndItsJvmIsSizedByTheMemoryLimit(Overlay overlay) throws Exception {
        Manifests manifests = overlay.manifests();
        JibSettings jib = JibSettings.fromPom();
        Container server = manifests.serverContainer();

        assertThat(server.getImage()).isEqualTo(jib.image());
        assertThat(jib.ports()).containsExactly(AppSettings.defaults().get("server.port", Integer.class));
        assertThat(jib.jvmFlags()).anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
                .contains("-XX:+ExitOnOutOfMemoryError").noneMatch(flag -> flag.startsWith("-Xmx"));
        assertThat(server.getResources().getLimits()).containsKey("memory");
        assertThat(manifests.serverPod().getSecurityContext().getRunAsUser())
                .isEqualTo(jib.uid());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGracePeriodCoversPreStopDrainAndTheWebServersShutdown(Overlay overlay) {
        Manifests manifests = overlay.manifests();
        AppSettings settings = overlay.settings();
        PodSpec pod = manifests.serverPod();
        Container server = manifests.serverContainer();

        Duration preStop = Duration.ofSeconds(server.getLifecycle().getPreStop().getSleep().getSeconds());
        Duration drain = settings.get("enrich.pool.drain-timeout", Duration.class);
        Duration webShutdown = settings.get("spring.lifecycle.timeout-per-shutdown-phase", Duration.class);
        Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());

        assertThat(settings.get("server.shutdown", String.class)).isEqualTo("graceful");
        assertThat(preStop).isPositive();
        assertThat(grace).as("preStop %s + drain %s + web shutdown %s + margin %s", preStop, drain, webShutdown,
                MARGIN).isGreaterThanOrEqualTo(preStop.plus(drain).plus(webShutdown).plus(MARGIN));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerIsLimitedNonRootReadOnlyAndHasNoServiceAccountToken(Overlay overlay) {
        Manifests manifests = overlay.manifests();

        assertThat(manifests.podTemplates()).isNotEmpty().allSatisfy((workload, template) -> {
            PodSpec pod = template.getSpec();
            PodSecurityContext podSecurity = Objects.requireNonNullElseGet(pod.getSecurityContext(),
                    PodSecurityContext::new);
            assertThat(pod.getAutomountServiceAccountToken()).as("%s automountServiceAccountToken", workload)
                    .isFalse();
            assertThat(podSecurity.getSeccompProfile().getType()).as(workload).isEqualTo("RuntimeDefault");
            for (Container c : Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                    .toList()) {
                String where = workload + " container " + c.getName();
                SecurityContext security = c.getSecurityContext();
                assertThat(c.getResources().getRequests()).as(where + " requests").containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(where + " limits").containsKeys("cpu", "memory");
                assertThat(Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")))
                        .as(where + " memory request <= limit")
                        .isLessThanOrEqualTo(Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")));
                assertThat(firstNonNull(security.getRunAsNonRoot(), podSecurity.getRunAsNonRoot())).as(where)
                        .isTrue();
                assertThat(firstNonNull(security.getRunAsUser(), podSecurity.getRunAsUser())).as(where)
                        .isNotNull().isNotZero();
                assertThat(security.getReadOnlyRootFilesystem()).as(where + " readOnlyRootFilesystem").isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).as(where).isFalse();
                assertThat(security.getCapabilities().getDrop()).as(where).containsExactly("ALL");
                assertThat(c.getLivenessProbe() != null || workload.startsWith("Job/")).as(where + " liveness")
                        .isTrue();
            }
        });
        assertThat(manifests.all(ServiceAccount.class)).isNotEmpty()
                .allSatisfy(sa -> assertThat(sa.getAutomountServiceAccountToken()).isFalse());
        assertThat(manifests.serverPod().getServiceAccountName()).isEqualTo("enrich");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theReadOnlyServerWritesOnlyToVolumes(Overlay overlay) {
        Manifests manifests = overlay.manifests();
        AppSettings settings = overlay.settings();
        PodSpec pod = manifests.serverPod();
        List<String> mounts = manifests.serverContainer().getVolumeMounts().stream()
                .map(VolumeMount::getMountPath).toList();

        assertThat(mounts).contains("/tmp"); // java.io.tmpdir: multipart spooling, JVM attach files
        assertThat(mounts).contains(settings.get("enrich.media.dir", String.class));
        assertThat(manifests.serverContainer().getVolumeMounts()).allSatisfy(mount -> assertThat(pod.getVolumes())
                .extracting(Volume::getName).contains(mount.getName()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void selectorsAndReferencesPointAtObjectsOfTheOverlay(Overlay overlay) {
        Manifests manifests = overlay.manifests();
        Map<String, String> podLabels = manifests.server().getSpec().getTemplate().getMetadata().getLabels();

        assertThat(manifests.one(PodDisruptionBudget.class, "enrich").getSpec().getSelector().getMatchLabels())
                .isEqualTo(manifests.server().getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(
                manifests.one(NetworkPolicy.class, "enrich").getSpec().getPodSelector().getMatchLabels());
        HorizontalPodAutoscaler hpa = manifests.one(HorizontalPodAutoscaler.class, "enrich");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("enrich");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(manifests.server().getSpec().getReplicas());

        for (StatefulSet set : manifests.all(StatefulSet.class)) {
            assertThat(manifests.one(Service.class, set.getSpec().getServiceName()).getSpec().getSelector())
                    .isEqualTo(set.getSpec().getSelector().getMatchLabels());
        }
        List<PersistentVolumeClaim> claims = manifests.all(PersistentVolumeClaim.class);
        manifests.podTemplates().values().stream().flatMap(t -> t.getSpec().getVolumes().stream())
                .filter(v -> v.getPersistentVolumeClaim() != null)
                .forEach(v -> assertThat(claims).extracting(c -> c.getMetadata().getName())
                        .contains(v.getPersistentVolumeClaim().getClaimName()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everySecretKeyTheTemplatesReadIsInTheSecretTemplate(Overlay overlay) {
        Manifests manifests = overlay.manifests();
        Manifests template = Manifests.file(Manifests.ROOT.resolve("examples/secrets.yaml"));
        List<SecretKeySelector> refs = new ArrayList<>();
        manifests.podTemplates().values().stream().map(PodTemplateSpec::getSpec)
                .flatMap(pod -> pod.getContainers().stream()).flatMap(c -> c.getEnv().stream())
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .forEach(e -> refs.add(e.getValueFrom().getSecretKeyRef()));

        assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(
                template.one(Secret.class, ref.getName()).getStringData()).containsKey(ref.getKey()));
        assertThat(template.all(Secret.class)).allSatisfy(secret -> assertThat(secret.getStringData().values())
                .allMatch(value -> value.startsWith("REPLACE-")));
        assertThat(manifests.all(Secret.class)).as("no Secret is deployed with the manifests").isEmpty();
    }

    @Test
    void singleRunsOneReplicaOnTheMemoryBackendWithMediaOnAVolume() {
        Manifests single = Manifests.overlay("single");
        AppSettings settings = AppSettings.of(single);
        Deployment server = single.server();
        PodSpec pod = single.serverPod();
        String mediaDir = settings.get("enrich.media.dir", String.class);
        String mediaVolume = single.serverContainer().getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(mediaDir)).findFirst().orElseThrow().getName();

        assertThat(server.getSpec().getReplicas()).isEqualTo(1);
        assertThat(single.one(HorizontalPodAutoscaler.class, "enrich").getSpec().getMaxReplicas()).isEqualTo(1);
        assertThat(server.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(settings.get("enrich.backend", String.class)).isEqualTo("memory");
        assertThat(settings.get("enrich.media.store", String.class)).isEqualTo("local");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(mediaVolume)).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("enrich-media"));
    }

    @Test
    void scaledRunsThreeOrMoreReplicasOnRedisWithMediaInABucket() {
        Manifests scaled = Manifests.overlay("scaled");
        AppSettings settings = AppSettings.of(scaled);
        Deployment server = scaled.server();

        assertThat(server.getSpec().getReplicas()).isGreaterThanOrEqualTo(3);
        assertThat(scaled.one(HorizontalPodAutoscaler.class, "enrich").getSpec().getMinReplicas())
                .isGreaterThanOrEqualTo(3);
        assertThat(server.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(new IntOrString(0));
        assertThat(settings.get("enrich.backend", String.class)).isEqualTo("redis");
        assertThat(settings.get("spring.data.redis.password", String.class)).isEqualTo(AppSettings.FROM_SECRET);
        assertThat(settings.get("enrich.media.store", String.class)).isEqualTo("s3");
        assertThat(settings.get("enrich.media.s3.path-style", Boolean.class)).isTrue();
        assertThat(settings.get("enrich.media.s3.region", String.class)).isNotBlank();
        assertThat(settings.get("enrich.media.s3.prefix", String.class)).isNotBlank();
        assertThat(settings.environment()).containsEntry("AWS_ACCESS_KEY_ID", AppSettings.FROM_SECRET)
                .containsEntry("AWS_SECRET_ACCESS_KEY", AppSettings.FROM_SECRET);
    }

    @Test
    void scaledExampleRedisKeepsAnAppendOnlyFileOnAVolumeAndAnswersWhereTheServiceLooks() {
        Manifests scaled = Manifests.overlay("scaled");
        AppSettings settings = AppSettings.of(scaled);
        StatefulSet redis = scaled.one(StatefulSet.class, settings.get("spring.data.redis.host", String.class));
        Container container = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = container.getArgs();

        assertThat(String.join(" ", args)).contains("--appendonly yes", "--appendfsync everysec",
                "--maxmemory-policy noeviction", "--requirepass $(REDIS_PASSWORD)");
        String dataDir = args.get(args.indexOf("--dir") + 1);
        assertThat(container.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals(dataDir)).singleElement()
                .satisfies(m -> assertThat(redis.getSpec().getVolumeClaimTemplates())
                        .extracting(c -> c.getMetadata().getName()).contains(m.getName()));
        assertThat(servicePorts(scaled, settings.get("spring.data.redis.host", String.class)))
                .contains(settings.get("spring.data.redis.port", Integer.class));
    }

    @Test
    void scaledExampleMinioServesTheConfiguredEndpointAndItsJobCreatesTheConfiguredBucket() {
        Manifests scaled = Manifests.overlay("scaled");
        AppSettings settings = AppSettings.of(scaled);
        URI endpoint = URI.create(settings.get("enrich.media.s3.endpoint", String.class));
        String bucket = settings.get("enrich.media.s3.bucket", String.class);
        Container mc = scaled.one(Job.class, "enrich-minio-bucket").getSpec().getTemplate().getSpec()
                .getContainers().get(0);

        assertThat(servicePorts(scaled, endpoint.getHost())).contains(endpoint.getPort());
        assertThat(scaled.one(StatefulSet.class, endpoint.getHost()).getSpec().getVolumeClaimTemplates()).isNotEmpty();
        assertThat(mc.getArgs()).containsSubsequence("mb", "--ignore-existing", "local/" + bucket);
        assertThat(mc.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(tuple("MC_HOST_local", "http://$(ACCESS_KEY):$(SECRET_KEY)@" + endpoint.getAuthority()));
    }

    @Test
    void theIngressExampleKeepsEventStreamsOpenAndUnbuffered() {
        Ingress ingress = Manifests.file(Manifests.ROOT.resolve("examples/ingress-nginx.yaml"))
                .one(Ingress.class, "enrich");
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        Duration heartbeat = AppSettings.defaults().get("enrich.events.heartbeat", Duration.class);
        Service service = Manifests.overlay("single").one(Service.class, "enrich");
        var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();

        assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
        String readTimeout = annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout");
        assertThat(Duration.ofSeconds(Long.parseLong(readTimeout))).isGreaterThan(heartbeat.multipliedBy(2));
        assertThat(backend.getName()).isEqualTo(service.getMetadata().getName());
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains(backend.getPort().getName());
    }

    private static List<Integer> servicePorts(Manifests manifests, String service) {
        return manifests.one(Service.class, service).getSpec().getPorts().stream().map(ServicePort::getPort).toList();
    }

    private static String httpGet(Container container, Probe probe) {
        HTTPGetAction get = probe.getHttpGet();
        IntOrString port = get.getPort();
        int number = port.getIntVal() != null ? port.getIntVal() : container.getPorts().stream()
                .filter(p -> p.getName().equals(port.getStrVal())).findFirst().orElseThrow().getContainerPort();
        return number + " " + get.getPath();
    }

    private static <T> T firstNonNull(T first, T second) {
        return first != null ? first : second;
    }
}
