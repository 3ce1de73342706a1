package dev.enrich;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.enrich.ai.AiProvider;
import dev.enrich.backend.memory.InMemoryEventLog;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.config.AiProperties;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobEvent;
import dev.enrich.resilience.Dependencies;
import dev.enrich.resilience.ResilientAiProvider;
import dev.enrich.session.MediaSniffer;
import dev.enrich.session.SessionText;
import org.reactivestreams.Publisher;
import org.springframework.web.reactive.function.client.WebClient;

/** Keep the layering: ports owned by the core, adapters depend on the core, no package cycles, events one way. */
@AnalyzeClasses(packages = "dev.enrich", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The client SDK's factories name their implementation (EnrichClient.create -> internal.ClientFactory, as
     * resilience4j's CircuitBreaker.of does), the one edge from its API into its internal package.
     */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.enrich.(**)").should().beFreeOfCycles()
            .ignoreDependency(resideInAPackage("dev.enrich.client"), resideInAPackage("dev.enrich.client.internal"));

    @ArchTest
    static final ArchRule coreDoesNotDependOnAdapters = noClasses()
            .that().resideInAnyPackage("dev.enrich.pipeline..", "dev.enrich.job..", "dev.enrich.events..",
                    "dev.enrich.queue..", "dev.enrich.pool..", "dev.enrich.progress..", "dev.enrich.session..",
                    "dev.enrich.engine..", "dev.enrich.stage..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.backend..", "dev.enrich.backend.memory..",
                    "dev.enrich.backend.redis..", "dev.enrich.api..");

    /** The backends are alternatives: neither builds on the other. */
    @ArchTest
    static final ArchRule memoryBackendKnowsNoRedis = noClasses()
            .that().resideInAPackage("dev.enrich.backend.memory..")
            .should().dependOnClassesThat().resideInAPackage("dev.enrich.backend.redis..");

    /**
     * The Redis backend stores nothing in the memory backend; it reuses only the in-process event fan-out
     * (InMemoryEventLog as each replica's mirror of the streams it follows, fed by its one Redis subscription).
     */
    @ArchTest
    static final ArchRule redisBackendKnowsNoMemory = noClasses()
            .that().resideInAPackage("dev.enrich.backend.redis..")
            .should().dependOnClassesThat(resideInAPackage("dev.enrich.backend.memory..")
                    .and(not(belongToAnyOf(InMemoryEventLog.class))));

    @ArchTest
    static final ArchRule stagesKnowNothingOfTheEngine = noClasses()
            .that().resideInAPackage("dev.enrich.stage..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.engine..", "dev.enrich.pool..",
                    "dev.enrich.queue..", "dev.enrich.events..", "dev.enrich.job..");

    /** The pool's dispatch drives; slot health and metrics only observe it (through DispatchListener). */
    @ArchTest
    static final ArchRule dispatchKnowsNothingOfHealthOrMetrics = noClasses()
            .that().haveFullyQualifiedName("dev.enrich.pool.Dispatcher")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.SlotTracker")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.Slot")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.model.SlotHealth")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.PoolMetrics")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.model.PoolStatus")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.MeanJobDuration")
            .orShould().dependOnClassesThat().resideInAPackage("io.micrometer..");

    @ArchTest
    static final ArchRule observersDoNotDriveDispatch = noClasses()
            .that().haveFullyQualifiedName("dev.enrich.pool.SlotTracker")
            .or().haveFullyQualifiedName("dev.enrich.pool.PoolMetrics")
            .or().haveFullyQualifiedName("dev.enrich.pool.MeanJobDuration")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.Dispatcher")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.JobTask")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.WorkerPool")
            .orShould().dependOnClassesThat().resideInAPackage("reactor..");

    @ArchTest
    static final ArchRule onlyMetricsUseMicrometer = classes()
            .that().resideInAPackage("dev.enrich.pool..").and().doNotHaveFullyQualifiedName(
                    "dev.enrich.pool.PoolMetrics").and().doNotHaveFullyQualifiedName("dev.enrich.pool.WorkerPool")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.micrometer..");

    /** The pool and its queue port sit below the engine and know no web layer or adapter. */
    @ArchTest
    static final ArchRule poolAndQueueStayBelowTheEngine = noClasses()
            .that().resideInAnyPackage("dev.enrich.pool..", "dev.enrich.queue..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.api..", "dev.enrich.engine..",
                    "dev.enrich.backend..", "dev.enrich.events..", "org.springframework..");

    @ArchTest
    static final ArchRule queuePortKnowsNoPool = noClasses()
            .that().resideInAPackage("dev.enrich.queue..")
            .should().dependOnClassesThat().resideInAPackage("dev.enrich.pool..");

    /** The pipeline's signals flow up to the job runner; nothing in it reaches for what runs it or listens to it. */
    @ArchTest
    static final ArchRule pipelineReachesBackIntoNothing = noClasses()
            .that().resideInAPackage("dev.enrich.pipeline..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.engine..", "dev.enrich.pool..",
                    "dev.enrich.queue..", "dev.enrich.events..", "dev.enrich.job..", "dev.enrich.resilience..",
                    "dev.enrich.ai..");

    /** Retries are announced in the stage's own flux (RetryNotices in its context), never to a job or event log. */
    @ArchTest
    static final ArchRule resilienceKnowsNoJobsOrEvents = noClasses()
            .that().resideInAPackage("dev.enrich.resilience..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.job..", "dev.enrich.events..",
                    "dev.enrich.engine..", "dev.enrich.pool..", "dev.enrich.queue..", "dev.enrich.stage..");

    /** The events package is below its transports and the engine. */
    @ArchTest
    static final ArchRule eventsKnowNoTransportOrEngine = noClasses()
            .that().resideInAPackage("dev.enrich.events..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.api..", "dev.enrich.engine..",
                    "dev.enrich.pool..", "dev.enrich.security..");

    /** The API reads events through the events service (EventFeed) only: not the log port, not the publisher. */
    @ArchTest
    static final ArchRule apiReadsEventsThroughTheFeed = noClasses()
            .that().resideInAPackage("dev.enrich.api..")
            .should().dependOnClassesThat().belongToAnyOf(EventLog.class, EventPublisher.class);

    /**
     * Each kind of event has one factory, on JobEvent: nothing outside the events package builds one. The Redis event
     * codec restores stored events (it creates none).
     */
    @ArchTest
    static final ArchRule eventsAreBuiltByTheirFactories = noClasses()
            .that().resideOutsideOfPackage("dev.enrich.events..")
            .and().doNotHaveFullyQualifiedName("dev.enrich.backend.redis.RedisEventCodec")
            .should().callConstructorWhere(describe("a constructor of JobEvent",
                    (JavaConstructorCall call) -> call.getTargetOwner().isEquivalentTo(JobEvent.class)));

    /**
     * A subscribe() in the middle of a chain starts a second, unordered flow. The few edges where a flow must be
     * started (the batch events' and the shutdown drain's lifecycles, the worker pool's dispatch) are named here
     * and keep their Disposable.
     */
    @ArchTest
    static final ArchRule noSubscribeOutsideDocumentedEdges = noClasses()
            .that().doNotHaveFullyQualifiedName("dev.enrich.engine.BatchEvents")
            // Counting jobs by outcome: one lifecycle flow on the published events, kept and disposed by start()/stop().
            .and().doNotHaveFullyQualifiedName("dev.enrich.engine.JobMetrics")
            .and().doNotHaveFullyQualifiedName("dev.enrich.engine.EngineLifecycle")
            .and().doNotHaveFullyQualifiedName("dev.enrich.pool.Dispatcher")
            // Its one pattern subscription per replica: a lifecycle edge, kept and disposed by start()/stop().
            .and().doNotHaveFullyQualifiedName("dev.enrich.backend.redis.RedisEventLog")
            // The Redis queue's take() is a hand-made demand-driven source: its reads, starts and claim timers are
            // the I/O edges that complete into its buffer, whoever still waits (see RedisJobQueue).
            .and().doNotHaveFullyQualifiedName("dev.enrich.backend.redis.RedisJobQueue")
            .and().doNotHaveFullyQualifiedName("dev.enrich.backend.redis.RedisJobQueue$Taker")
            // Sharing learned stage durations: one lifecycle flow (observations out, the fleet's averages in).
            .and().doNotHaveFullyQualifiedName("dev.enrich.backend.redis.RedisDurationSync")
            // The retention sweep's timer: a lifecycle flow, kept and disposed by start()/stop().
            .and().doNotHaveFullyQualifiedName("dev.enrich.retention.RetentionSweeper")
            // The S3 store's sweep of incomplete uploads: a timer kept and disposed by start()/close().
            .and().doNotHaveFullyQualifiedName("dev.enrich.backend.s3.OrphanUploadSweep")
            .should().callMethodWhere(describe("subscribe() on a publisher",
                    (JavaMethodCall call) -> call.getName().equals("subscribe")
                            && call.getTargetOwner().isAssignableTo(Publisher.class)));

    /** The wire model is reused by the client SDK: nothing of ours, no Spring, no databind; JDK and annotations. */
    @ArchTest
    static final ArchRule modelDependsOnlyOnTheJdkAndAnnotations = classes()
            .that().resideInAPackage("dev.enrich.model..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.enrich.model..", "java..",
                    "org.jspecify..", "com.fasterxml.jackson.annotation..");

    /** The client SDK ships on its own: of ours, it uses the typed result model only. */
    @ArchTest
    static final ArchRule clientDependsOnlyOnTheModel = noClasses()
            .that().resideInAPackage("dev.enrich.client..")
            .should().dependOnClassesThat(resideInAPackage("dev.enrich..")
                    .and(not(resideInAnyPackage("dev.enrich.client..", "dev.enrich.model.."))));

    /** What the SDK's artifact declares (client/pom.xml): Reactor, WebClient over Reactor Netty, Jackson, JSpecify. */
    @ArchTest
    static final ArchRule clientUsesOnlyItsDeclaredLibraries = classes()
            .that().resideInAPackage("dev.enrich.client..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.enrich.client..", "dev.enrich.model..",
                    "java..", "reactor..", "org.reactivestreams..", "io.netty..", "org.springframework.core..",
                    "org.springframework.http..", "org.springframework.util..",
                    "org.springframework.web.reactive.function..", "tools.jackson..",
                    "com.fasterxml.jackson.annotation..", "org.jspecify..");

    /** Only the SDK's API package reaches into its implementation, and only for the factory. */
    @ArchTest
    static final ArchRule clientInternalsStayInternal = noClasses()
            .that().resideOutsideOfPackage("dev.enrich.client.internal..")
            .and().doNotHaveFullyQualifiedName("dev.enrich.client.EnrichClient")
            .should().dependOnClassesThat().resideInAPackage("dev.enrich.client.internal..");

    /** The server never calls itself through its client. */
    @ArchTest
    static final ArchRule serverKnowsNoClient = noClasses()
            .that().resideInAPackage("dev.enrich..").and().resideOutsideOfPackage("dev.enrich.client..")
            .should().dependOnClassesThat().resideInAPackage("dev.enrich.client..");

    /** Controllers do HTTP only: they reach use cases (engine, upload, events feed), never the pool or a stage. */
    @ArchTest
    static final ArchRule apiUsesUseCasesOnly = noClasses()
            .that().resideInAPackage("dev.enrich.api..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.pool..", "dev.enrich.queue..",
                    "dev.enrich.stage..", "dev.enrich.backend..")
            .orShould().dependOnClassesThat().belongToAnyOf(MediaSniffer.class, SessionText.class);

    /** The engine runs whatever stages the registry holds; each stage package wires its own. */
    @ArchTest
    static final ArchRule engineKnowsNoStage = noClasses()
            .that().resideInAnyPackage("dev.enrich.engine..", "dev.enrich.upload..")
            .should().dependOnClassesThat().resideInAPackage("dev.enrich.stage..");

    /** The AI provider chain (resilience around metering around the HTTP client) is assembled in one place. */
    @ArchTest
    static final ArchRule aiChainAssembledOnce = noClasses()
            .that().resideOutsideOfPackage("dev.enrich.aichain..")
            .should().callConstructor(ResilientAiProvider.class, AiProvider.class, Dependencies.class)
            .orShould().callConstructor(OpenAiCompatibleProvider.class, AiProperties.class, WebClient.Builder.class);
}
