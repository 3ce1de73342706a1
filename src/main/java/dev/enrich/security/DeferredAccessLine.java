package dev.enrich.security;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.SignalType;

/**
 * Let a request that outlives its web exchange (an event stream sent by a server route once the web handler has
 * answered its headers) get its access line at its real end, with its real duration and ending ({@code cancelled}
 * when the client left). The route puts one in the Reactor context of the web handler (key: this class), and calls
 * {@link #write} when the request is over; the access log hands it the line instead of writing it.
 */
public final class DeferredAccessLine {

    private volatile @Nullable Consumer<SignalType> line;

    void set(Consumer<SignalType> line) {
        this.line = line;
    }

    /** Write the line, once, saying how the request finally ended; nothing when the access log is off. */
    public void write(SignalType ending) {
        Consumer<SignalType> pending = line;
        line = null;
        if (pending != null) {
            pending.accept(ending);
        }
    }
}
