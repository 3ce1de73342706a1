package dev.enrich.api;

import dev.enrich.engine.EnrichException;
import dev.enrich.job.JobStateFilter;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Parse the stage and priority names of a request, with friendly errors. */
final class StageSelection {

    private StageSelection() {}

    /**
     * Parse stage names; null means every stage; unknown names fail INVALID. An empty list or a null name never gets
     * here: the request records' constraints refuse them.
     */
    static Set<StageName> stages(@Nullable List<String> names) {
        if (names == null) {
            return EnumSet.allOf(StageName.class);
        }
        Set<StageName> out = EnumSet.noneOf(StageName.class);
        for (String name : names) {
            out.add(StageName.parse(name).orElseThrow(() -> invalid(
                    "Unknown stage '" + name + "'. Use audio, video, summary or canvas.")));
        }
        return out;
    }

    /** Parse a priority name; null means interactive. */
    static Priority priority(@Nullable String name) {
        if (name == null) {
            return Priority.INTERACTIVE;
        }
        try {
            return Priority.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("Unknown priority '" + name + "'. Use interactive or batch.");
        }
    }

    /** Parse the {@code state} query values of a job listing; fails INVALID (400) for what does not parse. */
    static JobStateFilter jobStates(List<String> values) {
        try {
            return JobStateFilter.parse(values);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    static EnrichException invalid(String detail) {
        return new EnrichException(EnrichException.Kind.INVALID, detail);
    }
}
