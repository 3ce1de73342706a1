package dev.enrich;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keep the layering: ports owned by the core, adapters depend on the core, no package cycles. */
@AnalyzeClasses(packages = "dev.enrich", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.enrich.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule coreDoesNotDependOnAdapters = noClasses()
            .that().resideInAnyPackage("dev.enrich.pipeline..", "dev.enrich.job..", "dev.enrich.events..",
                    "dev.enrich.queue..", "dev.enrich.pool..", "dev.enrich.progress..", "dev.enrich.session..",
                    "dev.enrich.engine..", "dev.enrich.stage..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.enrich.backend..", "dev.enrich.api..");

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
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.SlotHealth")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.PoolMetrics")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.enrich.pool.PoolStatus")
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
}
