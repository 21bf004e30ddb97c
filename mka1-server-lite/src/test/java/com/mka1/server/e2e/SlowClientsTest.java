package com.mka1.server.e2e;

import com.mka1.server.testing.ServerProcess;
import com.mka1.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow or idle clients cannot hold the server (a {@code mka1 serve} process of its own, since the
 * JDK reads these limits once per process): a request whose headers trickle in, or whose body
 * stalls below its Content-Length, is closed after the request timeout; connections beyond the
 * limit are closed as they arrive; and once the slow ones are gone, the server answers again.
 */
class SlowClientsTest {
    @TempDir
    Path root;

    @Test
    void slowHeadersStalledBodiesAndExtraConnectionsAreClosed() throws Exception {
        try (ServerProcess server = ServerProcess.start(root.resolve("data"), 2, 1, 10, List.of(),
                "--request-timeout-seconds", "2", "--idle-timeout-seconds", "2", "--max-connections", "8")) {
            String host = server.root.getHost();
            int port = server.root.getPort();

            long trickle = secondsUntilClosed(host, port, "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", 1);
            assertThat(trickle).as("headers one byte every 0.5 s").isBetween(1L, 6L);
            long stalled = secondsUntilClosed(host, port, "POST /v1/fine_tuning/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + TestServer.ADMIN_KEY + "\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"a\":", 0);
            assertThat(stalled).as("a body stalled below its Content-Length").isBetween(1L, 6L);

            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket(host, port);
                    s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    held.add(s);
                }
                Thread.sleep(200);
                try (Socket extra = new Socket(host, port)) { // the ninth is closed at once, unanswered
                    extra.setSoTimeout(1_000);
                    extra.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(readAll(extra)).isEmpty();
                }
                Thread.sleep(3_500); // the held ones run past the request timeout
                for (Socket s : held) {
                    s.setSoTimeout(1_000);
                    assertThat(readAll(s)).as("held connection closed").isEmpty();
                }
            } finally {
                for (Socket s : held) s.close();
            }
            assertThat(server.http.get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
        }
    }

    /** Sends {@code start}, then one more header byte every 0.5 s ({@code trickle} 1) or nothing; seconds until the server closes. */
    private static long secondsUntilClosed(String host, int port, String start, int trickle) throws IOException, InterruptedException {
        long began = System.nanoTime();
        try (Socket s = new Socket(host, port)) {
            OutputStream out = s.getOutputStream();
            out.write(start.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            while (System.nanoTime() - began < 15_000_000_000L) {
                try {
                    if (in.read() == -1) break;
                } catch (SocketTimeoutException stillOpen) {
                    try {
                        if (trickle > 0) out.write('a');
                    } catch (IOException closed) {
                        break;
                    }
                    continue;
                } catch (IOException reset) {
                    break;
                }
            }
        }
        return (System.nanoTime() - began) / 1_000_000_000L;
    }

    private static String readAll(Socket s) throws IOException {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException stillOpen) {
            return "still open";
        } catch (IOException reset) {
            return "";
        }
    }
}
