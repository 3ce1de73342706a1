package dev.enrich.pipeline;

/**
 * Offer a stage under its name: each stage package's configuration provides one, and the engine's
 * {@link StageRegistry} is made of them.
 *
 * @param name the stage name it does
 * @param stage the stage
 */
public record NamedStage(StageName name, Stage stage) {}
