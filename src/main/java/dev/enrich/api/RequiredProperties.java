package dev.enrich.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Mark as required, in the schema of each of the service's records, the properties its JSON always holds: the
 * components that are not {@link Nullable} and carry no {@link JsonInclude} that leaves them out (empty lists, false
 * flags). Clients generated from the description then know what is always there, and tell the stage results apart by
 * the fields each kind always has.
 */
final class RequiredProperties implements ModelConverter {

    /** Inclusions that write every non-null value. */
    private static final Set<JsonInclude.Include> ALWAYS_WRITTEN = Set.of(JsonInclude.Include.ALWAYS,
            JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS);

    @Override
    public @Nullable Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        Schema<?> schema = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
        Class<?> raw = Json.mapper().constructType(type.getType()).getRawClass();
        if (schema == null || !raw.isRecord() || !raw.getName().startsWith("dev.enrich.")) {
            return schema;
        }
        Schema<?> model = schema.get$ref() == null ? schema
                : context.getDefinedModels().get(schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1));
        if (model == null || model.getProperties() == null || !included(raw.getAnnotation(JsonInclude.class))) {
            return schema;
        }
        for (RecordComponent component : raw.getRecordComponents()) {
            String name = component.getName();
            if (model.getProperties().containsKey(name) && alwaysWritten(component)
                    && (model.getRequired() == null || !model.getRequired().contains(name))) {
                model.addRequiredItem(name);
            }
        }
        return schema;
    }

    private static boolean alwaysWritten(RecordComponent component) {
        return !component.getAnnotatedType().isAnnotationPresent(Nullable.class)
                && included(component.getAccessor().getAnnotation(JsonInclude.class));
    }

    private static boolean included(@Nullable JsonInclude include) {
        return include == null || ALWAYS_WRITTEN.contains(include.value());
    }
}
