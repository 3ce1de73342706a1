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

    /** The wire model is reused by the client SDK: nothing of ours, no Spring, no databind; JDK and annotations. */
    @ArchTest
    static final ArchRule modelDependsOnlyOnTheJdkAndAnnotations = classes()
            .that().resideInAPackage("dev.enrich.model..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.enrich.model..", "java..",
                    "org.jspecify..", "com.fasterxml.jackson.annotation..");
}
