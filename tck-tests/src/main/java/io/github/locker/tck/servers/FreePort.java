package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** A loopback port nothing listens on right now (public for servers other modules start: an application server). */
public final class FreePort {
    private FreePort() {
    }

    /** @return a free loopback port */
    public static int pick() {
        return pick(1)[0];
    }

    /**
     * @return {@code count} different free ports: all are held open until the last is picked, so
     *         the kernel cannot hand out the same port twice
     */
    static int[] pick(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                socket.setReuseAddress(true);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket nobody connected to does not fail in practice
                }
            }
        }
    }
}
