package com.mka1.core.registry.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 server on loopback for tests in modules that do not read jdk.httpserver:
 * one request per connection, GET only, answers from a handler.
 */
final class LoopbackHttpServer implements AutoCloseable {
    record Request(String path, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    record Reply(int status, byte[] body, Map<String, String> headers) {}

    interface Handler {
        Reply handle(Request request) throws IOException;
    }

    private final ServerSocket socket;
    private final Thread acceptor;

    LoopbackHttpServer(Handler handler) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread.ofVirtual().start(() -> serve(client, handler));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private static void serve(Socket client, Handler handler) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            Map<String, String> headers = new HashMap<>();
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String target = requestLine.split(" ")[1];
            int query = target.indexOf('?');
            Reply reply = handler.handle(new Request(query < 0 ? target : target.substring(0, query), headers));
            StringBuilder head = new StringBuilder("HTTP/1.1 " + reply.status() + " X\r\n");
            reply.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("Content-Length: ").append(reply.body().length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = client.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(reply.body());
            out.flush();
        } catch (IOException ignored) {
            // the client went away; the test sees the failure on its side
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
    }
}
