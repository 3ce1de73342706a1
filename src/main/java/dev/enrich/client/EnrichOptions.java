package dev.enrich.client;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Choose what an enrichment runs: which stages (all when empty) and at which priority.
 *
 * @param stages the stages to run; empty for all of them
 * @param priority {@link Priority#INTERACTIVE} (the default) or {@link Priority#BATCH}
 */
public record EnrichOptions(Set<Stage> stages, Priority priority) {

    /** @throws IllegalArgumentException for {@link Stage#UNKNOWN} or {@link Priority#UNKNOWN} */
    public EnrichOptions {
        Objects.requireNonNull(priority, "priority");
        stages = stages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(stages));
        if (stages.contains(Stage.UNKNOWN) || priority == Priority.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN is not a stage or priority to ask for");
        }
    }

    /** Return all stages at interactive priority. */
    public static EnrichOptions defaults() {
        return new EnrichOptions(Set.of(), Priority.INTERACTIVE);
    }

    /** Return these stages at interactive priority; none for all. */
    public static EnrichOptions stages(Stage... stages) {
        return new EnrichOptions(Set.copyOf(Arrays.asList(stages)), Priority.INTERACTIVE);
    }

    /** Return a copy at {@code priority}. */
    public EnrichOptions withPriority(Priority priority) {
        return new EnrichOptions(stages, priority);
    }

    /** Return the stages' wire names in pipeline order, empty for all. */
    public List<String> stageIds() {
        return stages.isEmpty() ? List.of() : EnumSet.copyOf(stages).stream().map(Stage::id).toList();
    }
}
