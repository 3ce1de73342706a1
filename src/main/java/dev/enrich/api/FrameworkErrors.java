package dev.enrich.api;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/** Word the framework's request errors (routing, media types, JSON decoding) as short friendly details. */
final class FrameworkErrors {

    private FrameworkErrors() {}

    /** Return a friendly detail for a framework exception; {@code fallback} when there is nothing better to say. */
    static @Nullable String detail(Exception ex, @Nullable String fallback) {
        if (ex instanceof NoResourceFoundException) {
            return "There is nothing at this address.";
        }
        if (ex instanceof MethodNotAllowedException e) {
            return e.getHttpMethod() + " is not supported here. Use "
                    + join(e.getSupportedMethods().stream().map(HttpMethod::name).sorted().toList()) + ".";
        }
        if (ex instanceof UnsupportedMediaTypeStatusException e) {
            return e.getSupportedMediaTypes().isEmpty() ? "This request body type is not supported."
                    : "Send the body as " + join(e.getSupportedMediaTypes().stream().map(MediaType::toString)
                            .toList()) + ".";
        }
        if (ex instanceof NotAcceptableStatusException) {
            return "This address answers in JSON only.";
        }
        if (ex instanceof MissingRequestValueException e) {
            return "Add the " + e.getLabel() + " '" + e.getName() + "'.";
        }
        if (ex instanceof WebExchangeBindException e) {
            return violations(e);
        }
        if (ex instanceof ServerWebInputException e) {
            return input(e);
        }
        return fallback;
    }

    /** Say what Bean Validation refused: each distinct constraint message, in field order. */
    private static String violations(WebExchangeBindException e) {
        List<String> messages = e.getAllErrors().stream()
                .sorted(Comparator.comparing(error -> error instanceof FieldError f ? f.getField() : ""))
                .map(ObjectError::getDefaultMessage)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        return messages.isEmpty() ? "The request is not valid." : String.join(" ", messages);
    }

    private static String input(ServerWebInputException e) {
        MethodParameter parameter = e.getMethodParameter();
        JacksonException json = cause(e, JacksonException.class);
        if (json instanceof StreamReadException) {
            return "The request body isn't valid JSON.";
        }
        if (json != null) {
            String path = path(json);
            return path.isEmpty() ? "The request body doesn't have the expected shape."
                    : "The field '" + path + "' has the wrong type.";
        }
        if (cause(e, TypeMismatchException.class) != null && parameter != null
                && parameter.getParameterName() != null) {
            return "The parameter '" + parameter.getParameterName() + "' has an invalid value.";
        }
        if (parameter != null && "No request body".equals(e.getReason())) {
            return "Send a JSON body with this request.";
        }
        return "The request is not valid.";
    }

    private static String path(JacksonException json) {
        StringBuilder out = new StringBuilder();
        for (JacksonException.Reference ref : json.getPath()) {
            if (ref.getPropertyName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static <T extends Throwable> @Nullable T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String join(List<String> words) {
        if (words.size() <= 1) {
            return String.join("", words);
        }
        return words.subList(0, words.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + words.get(words.size() - 1);
    }
}
