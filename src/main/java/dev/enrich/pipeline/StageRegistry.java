package dev.enrich.pipeline;

import java.util.EnumMap;
import java.util.Map;

/** Map each stage name to the stage that does it. Immutable. */
public final class StageRegistry {

    private final Map<StageName, Stage> stages;

    /** Create a registry; every stage name must be present. */
    public StageRegistry(Map<StageName, Stage> stages) {
        for (StageName name : StageName.values()) {
            if (!stages.containsKey(name)) {
                throw new IllegalArgumentException("stages must include " + name.id() + ", but it was missing");
            }
        }
        this.stages = new EnumMap<>(stages);
    }

    /** Return the stage for a name. */
    public Stage get(StageName name) {
        return stages.get(name);
    }
}
