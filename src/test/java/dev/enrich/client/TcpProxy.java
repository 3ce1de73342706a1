package dev.enrich.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Relay TCP connections on loopback to a target port that the test may switch, and cut them on demand: the network
 * failure the client SDK must survive. Each accepted connection is relayed to the target of the moment; its request
 * head is recorded ({@link Connection#lastEventId()}). While {@linkplain #refuse(boolean) refusing}, new connections
 * are closed at once. Plain threads relay the bytes (blocking I/O, never on an event loop).
 */
final class TcpProxy implements AutoCloseable {

    private static final Pattern LAST_EVENT_ID = Pattern.compile("(?im)^Last-Event-ID:\\s*(\\d+)\\s*$");

    private final ServerSocket server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicLong toClient = new AtomicLong();
    private volatile int target;
    private volatile boolean refusing;
    private volatile boolean closed;

    private TcpProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Start relaying to {@code target} on 127.0.0.1. */
    static TcpProxy to(int target) {
        try {
            return new TcpProxy(target);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Return the proxy's own port. */
    int port() {
        return server.getLocalPort();
    }

    /** Relay new connections to {@code port} from now on. */
    void target(int port) {
        this.target = port;
    }

    /** Close new connections at once ({@code true}), or relay them again ({@code false}). */
    void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** Cut every open connection in both directions, as a network failure would. */
    void cut() {
        connections.forEach(Connection::close);
    }

    /** Return the connections relayed so far, oldest first. */
    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Return how many connections are open now. */
    long open() {
        return connections.stream().filter(c -> !c.closed).count();
    }

    /** Return the bytes relayed from targets to clients so far. */
    long bytesToClients() {
        return toClient.get();
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    client.close();
                    continue;
                }
                int port = target;
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                Connection connection = new Connection(client, upstream, port);
                connections.add(connection);
                connection.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** One relayed connection: the target it went to and the request head the client sent on it. */
    final class Connection {

        private final Socket client;
        private final Socket upstream;
        private final int targetPort;
        private final StringBuilder head = new StringBuilder();
        private volatile boolean closed;

        private Connection(Socket client, Socket upstream, int targetPort) {
            this.client = client;
            this.upstream = upstream;
            this.targetPort = targetPort;
        }

        /** Return the port it was relayed to. */
        int targetPort() {
            return targetPort;
        }

        /** Return the {@code Last-Event-ID} of the first request on it, or null without one. */
        synchronized @Nullable Long lastEventId() {
            Matcher m = LAST_EVENT_ID.matcher(head);
            return m.find() ? Long.parseLong(m.group(1)) : null;
        }

        /** Return the first request line, e.g. {@code GET /api/v1/jobs/x/events HTTP/1.1}. */
        synchronized String requestLine() {
            int end = head.indexOf("\r\n");
            return end < 0 ? head.toString() : head.substring(0, end);
        }

        private void start() {
            relay(client, upstream, true, "up");
            relay(upstream, client, false, "down");
        }

        private void relay(Socket from, Socket to, boolean request, String direction) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        if (request) {
                            remember(buffer, n);
                        } else {
                            toClient.addAndGet(n);
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException ended) {
                    // cut, or closed by either side
                } finally {
                    close();
                }
            }, "tcp-proxy-" + direction);
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void remember(byte[] buffer, int n) {
            if (head.length() < 16_384) {
                head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        }

        private void close() {
            closed = true;
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
